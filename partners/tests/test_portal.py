"""The partner portal: who may see and do what, the inbox, the detail with its access
records, decisions through the callback's service, and the CSV export."""

import csv
import datetime
import html
import io
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import services as application_services
from applications.models import Application
from devtools.testing.accounts import create_member, sign_in
from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders.models import Lender
from lenders.tests.factories import LenderFactory, LoanProductFactory
from loanmarket.mfa import requires_mfa
from partners.models import LenderMembership, PersonalDataAccess
from partners.portal.views import safe_cell

pytestmark = pytest.mark.django_db
S = Application.Status
R = LenderMembership.Role


@pytest.fixture
def lender_a(db):
    return LenderFactory(slug="lender-a")


@pytest.fixture
def lender_b(db):
    return LenderFactory(slug="lender-b")


@pytest.fixture
def product_a(lender_a):
    return LoanProductFactory(lender=lender_a, slug="cash-a")


@pytest.fixture
def product_b(lender_b):
    return LoanProductFactory(lender=lender_b, slug="cash-b")


@pytest.fixture
def app_a(borrower, full_profile, product_a, product_b):
    """Forwarded to lender A's portal inbox (both products exist before anyone applies: the
    catalogue is cached by a version bumped only after commit)."""
    return submit(borrower, product_a)


@pytest.fixture
def app_b(borrower, full_profile, product_a, product_b):
    return submit(borrower, product_b)


def client_of(user) -> Client:
    return english(sign_in(Client(), user))


def english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def manager_a(lender_a):
    return create_member(lender_a, R.MANAGER)


@pytest.fixture
def manager_client(manager_a):
    return client_of(manager_a)


def _approve(application):
    return {
        "approved_amount": str(application.amount),
        "apr": str(application.apr),
        "term_months": str(application.term_months),
    }


# --- the authorization matrix ----------------------------------------------------------

CALLERS = ("anonymous", "borrower", "staff", "viewer_a", "manager_a", "owner_a", "owner_b")
MEMBERS_OF_A = {"viewer_a", "manager_a", "owner_a"}


def _caller(name, *, lender_a, lender_b, borrower, staff_user):
    if name == "anonymous":
        return Client()
    if name == "borrower":
        return sign_in(Client(), borrower, "correct horse battery")
    if name == "staff":
        return sign_in(Client(), staff_user, "a-long-staff-passphrase")
    role, lender = {
        "viewer_a": (R.VIEWER, lender_a),
        "manager_a": (R.MANAGER, lender_a),
        "owner_a": (R.OWNER, lender_a),
        "owner_b": (R.OWNER, lender_b),
    }[name]
    return client_of(create_member(lender, role))


def _expected(caller: str, method: str, target: str) -> int:
    """The status each caller gets: ``target`` is "list" (inbox, export, home) or the
    lender ("a"/"b") whose application the URL names."""
    if method == "POST" and not target.startswith("decide"):
        return 405
    if caller == "anonymous":
        return 302
    if caller in ("borrower", "staff"):
        return 403
    own = "a" if caller in MEMBERS_OF_A else "b"
    if target == "home":
        return 302
    if target == "list":
        return 200
    lender = target[-1]
    if lender != own:
        return 404
    if target.startswith("decide"):
        return 403 if caller == "viewer_a" else 302
    return 200


URLS = (
    ("home", lambda a, b: reverse("partners:home")),
    ("list", lambda a, b: reverse("partners:inbox")),
    ("list", lambda a, b: reverse("partners:export")),
    ("detail-a", lambda a, b: reverse("partners:detail", args=[a.id])),
    ("detail-b", lambda a, b: reverse("partners:detail", args=[b.id])),
    ("decide-a", lambda a, b: reverse("partners:decide", args=[a.id, "approve"])),
    ("decide-b", lambda a, b: reverse("partners:decide", args=[b.id, "approve"])),
)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_portal_url_answers_each_caller_as_the_matrix_says(
    caller, lender_a, lender_b, app_a, app_b, borrower, staff_user
):
    """Anonymous → sign in; not a member → 403; a member sees only their lender's objects
    (another lender's is 404); viewers may not decide; GET-only pages refuse POST (405)."""
    client = _caller(
        caller, lender_a=lender_a, lender_b=lender_b, borrower=borrower, staff_user=staff_user
    )
    seen = {}
    for target, url_of in URLS:
        url = url_of(app_a, app_b)
        for method in ("GET", "POST"):
            if target.startswith("decide") and method == "GET":
                response = client.get(url)
                expected = 405
            else:
                application = app_a if target.endswith("a") else app_b
                data = _approve(application) if target.startswith("decide") else {}
                response = getattr(client, method.lower())(url, data)
                expected = _expected(caller, method, target)
            seen[(method, url)] = (response.status_code, expected)
    wrong = {key: got for key, got in seen.items() if got[0] != got[1]}
    assert not wrong, wrong
    if caller == "anonymous":
        response = Client().get(reverse("partners:inbox"))
        assert response["Location"].startswith(reverse("account_login"))


def test_a_signed_in_non_member_gets_a_clear_page(borrower_client):
    response = borrower_client.get(reverse("partners:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "not a member of an active lender" in response.content.decode()


def test_a_member_of_an_offboarded_lender_is_let_in_no_more(lender_a, manager_client):
    lender_services.transition_lender(
        lender=lender_a, to=Lender.Status.OFFBOARDED, actor="staff", reason="Left."
    )
    assert manager_client.get(reverse("partners:inbox")).status_code == 403


def test_a_suspended_lender_reads_but_every_decision_is_refused_with_the_reason(
    lender_a, app_a, manager_client
):
    lender_services.transition_lender(
        lender=lender_a, to=Lender.Status.SUSPENDED, actor="staff", reason="Audit."
    )
    assert manager_client.get(reverse("partners:detail", args=[app_a.id])).status_code == 200
    response = manager_client.post(
        reverse("partners:decide", args=[app_a.id, "approve"]), _approve(app_a)
    )
    assert response.status_code == 403
    assert "suspended" in response.content.decode()
    app_a.refresh_from_db()
    assert app_a.status == S.FORWARDED


# --- two-factor ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"), [(R.OWNER, True), (R.MANAGER, True), (R.VIEWER, False)]
)
def test_owners_and_managers_must_use_totp_as_staff_do(lender_a, role, required):
    user = create_member(lender_a, role)
    assert requires_mfa(user) is required


def test_a_manager_without_totp_is_sent_to_set_it_up(client, lender_a):
    user = create_member(lender_a, R.VIEWER)
    LenderMembership.objects.filter(user=user).update(role=R.MANAGER)
    client.force_login(user)
    response = client.get(reverse("partners:inbox"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- the inbox -------------------------------------------------------------------------


def test_the_inbox_lists_only_the_lenders_own_applications(manager_client, app_a, app_b):
    page = manager_client.get(reverse("partners:inbox")).content.decode()
    assert str(app_a.id) in page
    assert str(app_b.id) not in page


@pytest.mark.parametrize("n_more", [0, 6])
def test_the_inbox_query_count_is_flat(
    manager_client, app_a, product_a, n_more, django_assert_max_num_queries
):
    for i in range(n_more):  # one open application per product: decide each before the next
        Application.objects.filter(product=product_a).update(status=S.DECLINED)
        submit(app_a.borrower, product_a, amount=str(2000 + i))
    with django_assert_max_num_queries(6):  # session, user+membership, products, count, page
        response = manager_client.get(reverse("partners:inbox"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"status": "forwarded"}, True),
        ({"status": "declined"}, False),
        ({"amount": "10k-50k"}, True),
        ({"amount": "over-200k"}, False),
        ({"channel": "nowhere"}, False),
        ({"date_from": "2000-01-01", "date_to": "2999-12-31"}, True),
        ({"date_to": "2000-01-01"}, False),
    ],
)
def test_the_inbox_filters(manager_client, app_a, query, shown):
    page = manager_client.get(reverse("partners:inbox"), query).content.decode()
    assert (str(app_a.id) in page) is shown


def test_the_inbox_filters_by_product_and_finds_an_application_by_its_id(
    manager_client, app_a, product_a
):
    inbox = reverse("partners:inbox")
    assert str(app_a.id) in manager_client.get(inbox, {"product": product_a.pk}).content.decode()
    assert str(app_a.id) in manager_client.get(inbox, {"q": str(app_a.id)}).content.decode()
    other = manager_client.get(inbox, {"q": str(uuid.uuid4())}).content.decode()
    assert str(app_a.id) not in other


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"date_from": "31/02/2026"},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"q": "not-an-id"},
        {"amount": "a-lot"},
        {"product": "999999"},
        {"product": "x"},
        {"page": "zz"},
    ],
)
def test_a_malformed_filter_is_a_clear_form_error_never_a_500(manager_client, app_a, query):
    response = manager_client.get(reverse("partners:inbox"), query)
    if "page" in query:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    export = manager_client.get(reverse("partners:export"), query)
    assert export.status_code == 400


def test_another_lenders_product_is_no_filter_of_yours(manager_client, app_b):
    response = manager_client.get(reverse("partners:inbox"), {"product": app_b.product_id})
    assert response.status_code == 400


# --- the detail ------------------------------------------------------------------------


def test_the_detail_shows_the_consented_fields_and_records_the_view(
    manager_client, manager_a, app_a
):
    response = manager_client.get(
        reverse("partners:detail", args=[app_a.id]), REMOTE_ADDR="203.0.113.9"
    )
    page = response.content.decode()
    assert "李娜" in page
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.lender_id, access.application_id) == (
        manager_a,
        app_a.lender_id,
        app_a.id,
    )
    assert access.kind == PersonalDataAccess.Kind.DETAIL
    assert access.client_ip == "203.0.113.9"


def test_the_detail_shows_no_field_the_borrower_did_not_consent_to(manager_client, app_a):
    consent = app_a.consent
    consent.fields = [name for name in consent.fields if name != "full_name"]
    consent.save(update_fields=["fields"])
    page = manager_client.get(reverse("partners:detail", args=[app_a.id])).content.decode()
    assert "李娜" not in page
    assert "13912345678" in page


def test_another_lenders_application_is_not_found_and_records_nothing(manager_client, app_b):
    assert manager_client.get(reverse("partners:detail", args=[app_b.id])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


# --- decisions -------------------------------------------------------------------------


def _decide(client, application, decision, data):
    return client.post(reverse("partners:decide", args=[application.id, decision]), data)


def test_a_manager_approves_through_the_callbacks_service(
    manager_client, manager_a, app_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _decide(manager_client, app_a, "approve", _approve(app_a))
    application_services.notify_decision(application_id=app_a.pk)  # what the queued task runs
    assert response.status_code == 302
    assert len(callbacks) == 1
    app_a.refresh_from_db()
    assert app_a.status == S.APPROVED
    assert app_a.decision_amount == app_a.amount
    event = app_a.events.last()
    assert (event.actor, event.to_status, event.user) == ("lender", S.APPROVED, manager_a)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("terms", "reason"),
    [
        ({"approved_amount": "999999"}, "outside the product's range"),
        ({"term_months": "60"}, "outside the product's range"),
        ({"apr": "30"}, "above the platform's limit"),
    ],
)
def test_an_approval_out_of_range_is_a_form_error_with_the_services_reason(
    manager_client, app_a, terms, reason
):
    response = _decide(manager_client, app_a, "approve", {**_approve(app_a), **terms})
    assert response.status_code == 400
    assert reason in html.unescape(response.content.decode())
    app_a.refresh_from_db()
    assert app_a.status == S.FORWARDED


def test_an_application_already_decided_cannot_be_decided_again(manager_client, app_a):
    assert (
        _decide(manager_client, app_a, "decline", {"decline_reason": "income"}).status_code == 302
    )
    response = _decide(manager_client, app_a, "approve", _approve(app_a))
    assert response.status_code == 400
    assert "cannot become" in html.unescape(response.content.decode())
    app_a.refresh_from_db()
    assert app_a.status == S.DECLINED


def test_a_withdrawn_application_cannot_be_decided(manager_client, app_a, borrower):
    application_services.withdraw_application(borrower=borrower, application=app_a)
    response = _decide(manager_client, app_a, "more-info", {"note": "Your payslip, please."})
    assert response.status_code == 400
    assert "cannot become" in html.unescape(response.content.decode())


def test_a_decline_carries_its_reason_code_and_note(manager_client, app_a):
    _decide(manager_client, app_a, "decline", {"decline_reason": "debt_burden", "note": "Sorry."})
    app_a.refresh_from_db()
    assert app_a.status == S.DECLINED
    assert app_a.decision_reason == "debt_burden: Sorry."


def test_a_decline_reason_off_the_list_is_a_form_error(manager_client, app_a):
    response = _decide(manager_client, app_a, "decline", {"decline_reason": "i-dont-like-it"})
    assert response.status_code == 400


def test_asking_for_more_information_tells_the_borrower_on_the_timeline(manager_client, app_a):
    _decide(manager_client, app_a, "more-info", {"note": "A recent payslip, please."})
    app_a.refresh_from_db()
    assert app_a.status == S.MORE_INFO_NEEDED
    assert app_a.events.last().detail == "A recent payslip, please."


def test_marking_disbursed_needs_the_approved_amount_and_a_date_not_in_the_future(
    manager_client, app_a
):
    _decide(manager_client, app_a, "approve", _approve(app_a))
    today = timezone.localdate()
    wrong = _decide(
        manager_client, app_a, "disburse", {"disbursed_amount": "1.00", "disbursed_on": today}
    )
    assert wrong.status_code == 400
    future = _decide(
        manager_client,
        app_a,
        "disburse",
        {"disbursed_amount": str(app_a.amount), "disbursed_on": today + datetime.timedelta(days=2)},
    )
    assert future.status_code == 400
    right = _decide(
        manager_client,
        app_a,
        "disburse",
        {"disbursed_amount": str(app_a.amount), "disbursed_on": today},
    )
    assert right.status_code == 302
    app_a.refresh_from_db()
    assert app_a.status == S.DISBURSED


def test_an_unknown_decision_is_not_found(manager_client, app_a):
    assert _decide(manager_client, app_a, "cancel", {}).status_code == 404


def test_a_decision_needs_the_csrf_token(manager_a, app_a):
    client = sign_in(Client(), manager_a)
    client.handler.enforce_csrf_checks = True
    assert _decide(client, app_a, "approve", _approve(app_a)).status_code == 403


# --- the export ------------------------------------------------------------------------


def test_the_export_is_streamed_scoped_and_recorded_once(manager_client, manager_a, app_a, app_b):
    response = manager_client.get(reverse("partners:export"), {"status": "forwarded"})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][0] == str(app_a.id)
    assert "李娜" in rows[1]
    access = PersonalDataAccess.objects.get()
    assert access.kind == PersonalDataAccess.Kind.EXPORT
    assert access.user == manager_a
    assert access.detail.startswith("1 ")
    assert "status=forwarded" in access.detail


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM", "'@SUM"),
        ("张伟", "张伟"),
        (None, ""),
    ],
)
def test_export_cells_cannot_run_as_formulas(value, cell):
    assert safe_cell(value) == cell


# --- the header ------------------------------------------------------------------------


def test_the_header_links_members_to_the_portal_and_nobody_else(manager_client, borrower_client):
    mine = reverse("applications:list")
    assert "Partner portal" in manager_client.get(mine, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        reverse("partners:inbox")
        not in borrower_client.get(mine, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_a_viewer_reads_the_detail_without_decision_forms(lender_a, app_a):
    viewer = client_of(create_member(lender_a, R.VIEWER))
    page = viewer.get(reverse("partners:detail", args=[app_a.id])).content.decode()
    assert "李娜" in page
    assert reverse("partners:decide", args=[app_a.id, "approve"]) not in page


def test_the_export_query_count_is_flat(
    manager_client, app_a, product_a, django_assert_max_num_queries
):
    for i in range(5):  # one open application per product: decide each before the next
        Application.objects.filter(product=product_a).update(status=S.DECLINED)
        submit(app_a.borrower, product_a, amount=str(3000 + i))
    with django_assert_max_num_queries(8):
        response = manager_client.get(reverse("partners:export"))
        rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 7


def test_public_cached_pages_never_show_the_portal_link(manager_client):
    page = manager_client.get(reverse("lenders:catalogue")).content.decode()
    assert reverse("partners:inbox") not in page


def test_a_disbursement_dated_before_the_application_is_a_clear_error(manager_client, app_a):
    _decide(manager_client, app_a, "approve", _approve(app_a))
    response = _decide(
        manager_client,
        app_a,
        "disburse",
        {"disbursed_amount": str(app_a.amount), "disbursed_on": "2000-01-01"},
    )
    assert response.status_code == 400
    assert "before the application was received" in response.content.decode()
    app_a.refresh_from_db()
    assert app_a.status == S.APPROVED


def test_a_manager_whose_session_skipped_the_code_is_asked_for_it(client, manager_a):
    client.force_login(manager_a)  # a session with the password's record alone
    response = client.get(reverse("partners:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


FILTER_NAMES = st.sampled_from(
    ["q", "status", "product", "date_from", "date_to", "channel", "amount", "page", "x"]
)
JUNK = st.one_of(
    st.text(max_size=60), st.sampled_from(["", "0", "-1", "9" * 40, "2026-02-30", "\x00", "²"])
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.dictionaries(FILTER_NAMES, JUNK, max_size=5))
def test_no_filter_makes_the_inbox_or_the_export_answer_500(manager_client, app_a, query):
    for name in ("partners:inbox", "partners:export"):
        response = manager_client.get(reverse(name), query)
        assert response.status_code in (200, 400), (name, query, response.status_code)
