"""A lender's approval through the partner API: held to the product's published ranges and
the platform's APR limit, and disbursed at changed terms only once the borrower accepts."""

from decimal import Decimal

import pytest

from applications import services
from applications.models import Application

from .test_api import event, post_event

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture(autouse=True)
def _english(settings):
    """The reasons are read in English here (a lender without Accept-Language gets Chinese)."""
    settings.LANGUAGE_CODE = "en"


def approve(client, lender, application, *, message_id="approve", **terms):
    """The application approved at its own terms, but for ``terms``."""
    body = {
        "approved_amount": str(application.amount),
        "apr": str(application.apr),
        "term_months": application.term_months,
        **terms,
    }
    return post_event(
        client,
        lender,
        application.id,
        event(application, "approved", **body),
        message_id=message_id,
    )


@pytest.mark.parametrize(
    ("terms", "words"),
    [
        ({"approved_amount": "999.99"}, "outside the product's range of ¥1,000.00 to ¥50,000.00"),
        ({"approved_amount": "50000.01"}, "outside the product's range of ¥1,000.00"),
        ({"term_months": 2}, "term of 2 months is outside the product's range of 3 to 24"),
        ({"term_months": 25}, "term of 25 months is outside the product's range of 3 to 24"),
        ({"apr": "9.90"}, "APR of 9.90% is outside the product's published APR range"),
        ({"apr": "12.00"}, "APR of 12.00% is outside the product's published APR range"),
    ],
)
def test_an_approval_outside_the_products_ranges_is_422_with_the_reason_and_changes_nothing(
    client, lender, application, terms, words
):
    response = approve(client, lender, application, **terms)

    application.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["code"] == "terms_out_of_range"
    assert words in response.json()["error"]
    assert application.status == S.FORWARDED
    assert application.decision_amount is None
    assert application.events.last().to_status == S.FORWARDED


def test_an_approval_above_the_platforms_limit_is_422_even_within_the_products_range(
    client, lender, application, settings
):
    """A product published under an older, higher limit may not be approved above today's."""
    settings.PLATFORM_MAX_APR = Decimal("10.00")

    response = approve(client, lender, application)

    assert response.status_code == 422
    assert response.json()["code"] == "terms_out_of_range"
    assert "above the platform's limit of 10.00%" in response.json()["error"]
    application.refresh_from_db()
    assert application.status == S.FORWARDED


def test_every_breach_of_an_approval_is_named_at_once(client, lender, application):
    response = approve(client, lender, application, approved_amount="60000", apr="30")

    error = response.json()["error"]
    assert "amount ¥60,000.00" in error
    assert "APR of 30.00% is outside" in error
    assert "above the platform's limit" in error


def test_a_refused_approval_is_not_remembered_so_the_corrected_one_may_reuse_its_id(
    client, lender, application
):
    approve(client, lender, application, apr="30", message_id="same")

    response = approve(client, lender, application, message_id="same")

    assert response.status_code == 200
    assert response.json()["status"] == S.APPROVED


def test_an_approval_at_the_terms_applied_for_may_be_disbursed_at_once(client, lender, application):
    approve(client, lender, application)

    response = post_event(
        client, lender, application.id, event(application, "disbursed"), message_id="pay"
    )

    application.refresh_from_db()
    assert response.status_code == 200
    assert application.status == S.DISBURSED
    assert not application.terms_changed


def test_changed_terms_are_priced_by_our_engine_at_approval(client, lender, application):
    approve(client, lender, application, approved_amount="15000.00", term_months=6)

    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.terms_changed
    assert application.awaits_acceptance
    assert application.decision_apr == application.apr
    schedule = services.offer_schedule(application=application)
    assert schedule.apr == application.apr
    assert (schedule.amount, schedule.term_months) == (Decimal("15000.00"), 6)
    assert application.decision_total_repayment == schedule.total_repayment
    assert application.decision_first_payment == schedule.first_payment


def test_disbursing_changed_terms_before_the_borrower_accepts_is_409_with_the_reason(
    client, lender, application
):
    approve(client, lender, application, approved_amount="15000.00")

    response = post_event(
        client, lender, application.id, event(application, "disbursed"), message_id="pay"
    )

    application.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "offer_not_accepted"
    assert "has not accepted them yet" in response.json()["error"]
    assert application.status == S.APPROVED


def test_changed_terms_may_be_disbursed_once_the_borrower_has_accepted(
    client, lender, application, borrower
):
    approve(client, lender, application, approved_amount="15000.00")
    application.refresh_from_db()
    services.accept_offer(
        borrower=borrower, application=application, offer=services.offer_token(application)
    )

    response = post_event(
        client, lender, application.id, event(application, "disbursed"), message_id="pay"
    )

    application.refresh_from_db()
    assert response.status_code == 200
    assert application.status == S.DISBURSED
    assert [e.to_status for e in application.events.all()][-3:] == [
        S.APPROVED,
        S.OFFER_ACCEPTED,
        S.DISBURSED,
    ]


def test_the_openapi_document_states_the_approval_rules(client):
    document = client.get("/api/partner/v1/openapi.json").json()

    post = document["paths"]["/api/partner/v1/applications/{application_id}/events"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert "published APR range" in body["properties"]["apr"]["description"]
    assert "terms_out_of_range" in post["responses"]["422"]["description"]
    assert "come with an approval and only then" in post["responses"]["422"]["description"]
    assert body["properties"]["term_months"]["anyOf"][0]["type"] == "integer"
    assert "offer_not_accepted" in post["responses"]["409"]["description"]


@pytest.mark.parametrize("field", ["approved_amount", "apr"])
@pytest.mark.parametrize(
    "value",
    ["abc", "-1", "1e30", "NaN", "Infinity", "1.123456789", "", "0x10", "1,000", True, [], 1e30],
)
def test_an_approval_with_junk_terms_is_422_with_the_field_named(
    client, lender, application, field, value
):
    response = approve(client, lender, application, **{field: value})

    application.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["code"] in ("invalid", "terms_out_of_range")
    assert response.json()["error"]
    assert application.status == S.FORWARDED


@pytest.mark.parametrize("field", ["approved_amount", "apr"])
@pytest.mark.parametrize("value", ["+1000", "1_000", "１２３", " 1000", "00001000.00e0"])
def test_a_decimal_string_is_plain_ascii_digits_as_documented(
    client, lender, application, field, value
):
    """Python reads all of these as numbers; the document's pattern allows none of them."""
    response = approve(client, lender, application, **{field: value})

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "error": f"{field}: Value error, give plain digits with an optional decimal point, "
        "e.g. 18000.00",
    }
    application.refresh_from_db()
    assert application.status == S.FORWARDED


@pytest.mark.parametrize("value", [0, -1, 10**9, 10**30, "12", 12.0, True, "x", 1.5])
def test_an_approvals_term_is_a_json_integer_within_limits(client, lender, application, value):
    response = approve(client, lender, application, term_months=value)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["error"].startswith("term_months: ")
    application.refresh_from_db()
    assert application.status == S.FORWARDED


def test_a_disbursement_naming_other_terms_is_refused_not_ignored(
    client, lender, application, borrower
):
    """Terms are approved once (and changed ones accepted by the borrower): a payout "of
    ¥50,000" after ¥15,000 was accepted would be recorded as if it were the ¥15,000."""
    approve(client, lender, application, approved_amount="15000.00")
    application.refresh_from_db()
    services.accept_offer(
        borrower=borrower, application=application, offer=services.offer_token(application)
    )

    response = post_event(
        client,
        lender,
        application.id,
        event(application, "disbursed", approved_amount="50000.00"),
        message_id="pay",
    )

    application.refresh_from_db()
    assert response.status_code == 422
    assert "come only with an approval" in response.json()["error"]
    assert application.status == S.OFFER_ACCEPTED
    assert application.decision_amount == Decimal("15000.00")


def test_an_approval_sent_again_after_the_borrower_accepted_is_409_and_keeps_their_terms(
    client, lender, application, borrower
):
    approve(client, lender, application, approved_amount="15000.00")
    application.refresh_from_db()
    offer = services.offer_token(application)
    services.accept_offer(borrower=borrower, application=application, offer=offer)

    response = approve(
        client, lender, application, approved_amount="50000.00", message_id="approve-again"
    )

    application.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert application.status == S.OFFER_ACCEPTED
    assert services.offer_token(application) == offer


def test_an_approval_cannot_be_revised_while_the_borrower_reads_it(client, lender, application):
    """The page the borrower reads stays the offer: a second approval is 409."""
    approve(client, lender, application, approved_amount="15000.00")

    response = approve(
        client, lender, application, approved_amount="14000.00", message_id="approve-again"
    )

    application.refresh_from_db()
    assert response.status_code == 409
    assert application.decision_amount == Decimal("15000.00")


def test_an_approvals_webhook_id_reused_for_the_disbursement_is_409(client, lender, application):
    approve(client, lender, application, message_id="one-id")

    response = post_event(
        client, lender, application.id, event(application, "disbursed"), message_id="one-id"
    )

    application.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "message_id_reused"
    assert application.status == S.APPROVED
