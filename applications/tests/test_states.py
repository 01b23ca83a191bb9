"""The status table and the sets read from it."""

from applications import states

S = states.ApplicationStatus


def test_every_status_has_a_row_in_the_table():
    assert set(states.ALLOWED) == set(S.values)


def test_the_final_statuses_are_those_nothing_follows():
    assert set(states.FINAL) == {S.DISBURSED, S.DECLINED, S.WITHDRAWN, S.EXPIRED}


def test_a_lender_may_report_only_what_follows_the_application_reaching_it():
    with_the_lender = {S.FORWARDED, S.IN_REVIEW, S.MORE_INFO_NEEDED, S.APPROVED}
    reachable = set().union(*(states.ALLOWED[status] for status in with_the_lender))

    # Withdrawing and accepting changed terms are the borrower's.
    assert set(states.LENDER_SETTABLE) == reachable - {S.WITHDRAWN, S.OFFER_ACCEPTED}


def test_every_decision_is_a_lender_status():
    assert set(states.DECISIONS) <= set(states.LENDER_SETTABLE)
    assert set(states.DECISIONS) == {S.APPROVED, S.DECLINED, S.DISBURSED}


def test_changed_terms_are_accepted_by_the_borrower_before_they_are_disbursed():
    assert states.ALLOWED[S.APPROVED] == {S.DISBURSED, S.OFFER_ACCEPTED, S.WITHDRAWN, S.EXPIRED}
    assert states.ALLOWED[S.OFFER_ACCEPTED] == {S.DISBURSED, S.WITHDRAWN, S.EXPIRED}
    assert S.OFFER_ACCEPTED not in states.LENDER_SETTABLE
