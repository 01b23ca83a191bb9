"""A lender's approval at changed terms, as the borrower meets it: both disclosures on their
page, an answer they must give (accept, or decline and withdraw), the lender told either way;
emails, dashboard cards and admin show the decided terms."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationEvent, Delivery
from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.sandbox import SandboxConfig, start_in_thread

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture(autouse=True)
def _in_english(settings):
    """Pages and emails in English (the site's default language is Chinese)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def sandbox():
    server = start_in_thread(SandboxConfig(secrets={}))
    yield server
    server.shutdown()


@pytest.fixture
def product(sandbox):
    """A product of a lender with an API: the sandbox lender on a loopback port."""
    lender = LenderFactory(slug="sandbox-bank", name="Sandbox Bank")
    lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/sandbox-bank"
    lender.save()
    sandbox.config.secrets["sandbox-bank"] = lender_services.rotate_webhook_secret(lender=lender)
    return LoanProductFactory(lender=lender, name="Salary Loan")


def deliver_now(application: Application, kind: str) -> Delivery:
    """Send the delivery of ``kind`` as the worker would, now."""
    delivery = application.deliveries.get(kind=kind)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def decide(application: Application, **terms) -> Application:
    """The lender approves ``application``: at the terms applied for but for ``terms``."""
    return services.record_lender_event(
        application=application,
        status=S.APPROVED,
        occurred_at=timezone.now(),
        approved_amount=terms.get("amount", application.amount),
        apr=terms.get("apr", application.apr),
        term_months=terms.get("term_months", application.term_months),
    )


@pytest.fixture
def forwarded(borrower, full_profile, product):
    application = submit(borrower, product)
    deliver_now(application, Delivery.Kind.FORWARD)
    application.refresh_from_db()
    assert application.status == S.FORWARDED
    return application


@pytest.fixture
def changed(forwarded):
    """Approved at ¥15,000 over 6 months instead of ¥20,000 over 12."""
    return decide(forwarded, amount=Decimal("15000.00"), term_months=6)


def test_the_borrowers_page_shows_the_changed_terms_beside_those_applied_for(
    borrower_client, changed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = borrower_client.get(changed.get_absolute_url())

    page = response.content.decode()
    schedule = services.offer_schedule(application=changed)
    assert response.status_code == 200
    assert "The terms changed" in page
    assert "not on the terms you applied for" in page
    assert "¥20,000.00" in page
    assert "¥15,000.00" in page
    assert f"¥{changed.total_repayment:,}" in page  # the old total
    assert f"¥{schedule.total_repayment:,}" in page  # the new total, from our engine
    assert f"¥{schedule.first_payment:,}" in page
    assert len(schedule.installments) == 6
    for row in schedule.installments:  # the new schedule, every installment
        assert f"<td>{row.due.isoformat()}</td><td>¥{row.principal:,}</td>" in page
    assert "Accept the new terms" in page
    assert "Turn them down" in page


def test_the_page_header_shows_the_decided_terms_not_the_applied_ones(borrower_client, changed):
    page = borrower_client.get(changed.get_absolute_url()).content.decode()

    header = page[page.index('<dl class="facts">') : page.index("</dl>")]
    assert "¥15,000.00" in header
    assert "¥20,000.00" not in header
    assert f"¥{changed.decision_total_repayment:,}" in header


def test_a_changed_apr_is_priced_by_our_engine_and_disclosed(
    borrower_client, borrower, forwarded, django_capture_on_commit_callbacks
):
    """A product with a range of APRs (its upfront fee weighs more on short terms), approved
    at its highest: the schedule is the product's method and fees at that APR."""
    with django_capture_on_commit_callbacks(execute=True):  # the catalogue learns of it
        product = LoanProductFactory(
            lender=forwarded.lender, upfront_fee_pct=Decimal("2"), rate_value=Decimal("0.02")
        )
    application = submit(borrower, product)
    application = decide(application, apr=product.apr_max)

    page = borrower_client.get(application.get_absolute_url()).content.decode()
    schedule = services.offer_schedule(application=application)
    assert application.terms_changed
    assert schedule.apr == product.apr_max > application.apr
    assert schedule.upfront_fee == Decimal("400.00")  # the product's fee, kept
    assert f"{application.apr}%" in page
    assert f"{product.apr_max}%" in page
    assert f"¥{schedule.total_repayment:,}" in page


def test_an_approval_at_the_terms_applied_for_asks_nothing_of_the_borrower(
    borrower_client, forwarded
):
    application = decide(forwarded)

    page = borrower_client.get(application.get_absolute_url()).content.decode()
    assert "approved the terms you applied for" in page
    assert "The terms changed" not in page
    assert "Accept the new terms" not in page


def test_accepting_the_changed_terms_records_it_and_tells_the_lender_by_a_signed_notice(
    borrower_client, changed, sandbox
):
    url = reverse("applications:accept_offer", args=[changed.id])

    response = borrower_client.post(url, {"offer": services.offer_token(changed)})

    changed.refresh_from_db()
    assert response.status_code == 302
    assert changed.status == S.OFFER_ACCEPTED
    accepted = changed.events.last()
    assert (accepted.actor, accepted.from_status) == (ApplicationEvent.Actor.BORROWER, S.APPROVED)
    assert "¥15,000.00 over 6 months" in accepted.detail
    notice = deliver_now(changed, Delivery.Kind.ACCEPTANCE)
    assert notice.state == Delivery.State.DELIVERED  # the sandbox verified its signature
    assert sandbox.state.stats()["acceptances"] == 1
    assert sandbox.state.stats()["bad_signatures"] == 0


def test_accepting_twice_says_so_and_changes_nothing(borrower_client, changed):
    url = reverse("applications:accept_offer", args=[changed.id])
    offer = services.offer_token(changed)
    borrower_client.post(url, {"offer": offer})

    response = borrower_client.post(url, {"offer": offer})

    assert response.status_code == 409
    assert "You have already accepted these terms." in response.content.decode()
    assert changed.deliveries.filter(kind=Delivery.Kind.ACCEPTANCE).count() == 1
    assert changed.events.filter(to_status=S.OFFER_ACCEPTED).count() == 1


def test_accepting_terms_other_than_those_shown_is_refused(borrower_client, changed):
    url = reverse("applications:accept_offer", args=[changed.id])

    response = borrower_client.post(url, {"offer": "20000.00|12|10.95"})

    changed.refresh_from_db()
    assert response.status_code == 409
    assert "These are not the terms you saw" in response.content.decode()
    assert changed.status == S.APPROVED


def test_there_is_nothing_to_accept_when_the_terms_did_not_change(borrower_client, forwarded):
    application = decide(forwarded)
    url = reverse("applications:accept_offer", args=[application.id])

    response = borrower_client.post(url, {"offer": services.offer_token(application)})

    application.refresh_from_db()
    assert response.status_code == 409
    assert "no changed terms waiting for your answer" in response.content.decode()
    assert application.status == S.APPROVED


def test_declining_asks_for_confirmation_first(borrower_client, changed):
    url = reverse("applications:decline_offer", args=[changed.id])

    response = borrower_client.post(url, {"offer": services.offer_token(changed)})

    changed.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert "Turn the new terms down?" in page
    assert "This withdraws your application to Sandbox Bank" in page
    assert 'name="confirm" value="yes"' in page
    assert changed.status == S.APPROVED


def test_declining_withdraws_the_application_and_tells_the_lender(
    borrower_client, changed, sandbox
):
    url = reverse("applications:decline_offer", args=[changed.id])

    response = borrower_client.post(url, {"offer": services.offer_token(changed), "confirm": "yes"})

    changed.refresh_from_db()
    assert response.status_code == 302
    assert changed.status == S.WITHDRAWN
    withdrawn = changed.events.last()
    assert withdrawn.actor == ApplicationEvent.Actor.BORROWER
    assert withdrawn.detail.startswith("Turned down the changed terms")
    notice = deliver_now(changed, Delivery.Kind.WITHDRAWAL)
    assert notice.state == Delivery.State.DELIVERED
    assert sandbox.state.stats()["withdrawals"] == 1


@pytest.mark.parametrize("name", ["applications:accept_offer", "applications:decline_offer"])
def test_another_borrowers_offer_is_404(client, changed, name, django_user_model):
    other = django_user_model.objects.create_user(
        username="wang@example.test", email="wang@example.test", password="x"
    )
    client.force_login(other)

    response = client.post(
        reverse(name, args=[changed.id]), {"offer": services.offer_token(changed), "confirm": "yes"}
    )

    changed.refresh_from_db()
    assert response.status_code == 404
    assert changed.status == S.APPROVED


@pytest.mark.parametrize("name", ["applications:accept_offer", "applications:decline_offer"])
def test_answering_is_a_post_with_a_csrf_token(borrower, changed, name, client):
    from django.test import Client

    csrf_checking = Client(enforce_csrf_checks=True)
    csrf_checking.force_login(borrower)
    url = reverse(name, args=[changed.id])

    assert csrf_checking.get(url).status_code == 405
    assert csrf_checking.post(url, {"offer": services.offer_token(changed)}).status_code == 403
    changed.refresh_from_db()
    assert changed.status == S.APPROVED


def test_the_decision_email_shows_the_decided_terms_and_asks_for_an_answer(changed, mailoutbox):
    services.notify_decision(application_id=changed.pk)  # what the queued task runs

    email = mailoutbox[-1]
    assert "approved at new terms, your answer is needed" in email.subject
    assert "The terms changed" in email.body
    assert "You applied for: ¥20,000.00 over 12 months" in email.body
    assert (
        f"Offered: ¥15,000.00 over 6 months, APR {changed.decision_apr}%, "
        f"¥{changed.decision_total_repayment:,} to repay in all." in email.body
    )
    assert "Nothing is paid out until you accept the new terms" in email.body


def test_the_disbursement_email_shows_the_decided_terms(changed, borrower, mailoutbox):
    services.accept_offer(
        borrower=borrower, application=changed, offer=services.offer_token(changed)
    )
    services.record_lender_event(
        application=changed, status=S.DISBURSED, occurred_at=timezone.now()
    )

    services.notify_decision(application_id=changed.pk)

    assert "Offered: ¥15,000.00 over 6 months" in mailoutbox[-1].body
    assert "¥20,000.00" not in mailoutbox[-1].body


def test_the_dashboard_card_shows_the_decided_terms_and_that_they_changed(borrower_client, changed):
    page = borrower_client.get(reverse("applications:list")).content.decode()

    card = page[page.index('<li class="offer">') :]
    assert "The terms changed" in card
    assert f"¥{changed.decision_total_repayment:,}" in card
    assert "For ¥15,000.00 over 6 months." in card
    assert f"¥{changed.total_repayment:,}" not in card


def test_admin_shows_the_decided_terms(staff_client, changed):
    listing = staff_client.get(reverse("admin:applications_application_changelist"))
    detail = staff_client.get(reverse("admin:applications_application_change", args=[changed.pk]))

    assert "15000.00" in listing.content.decode()
    assert "20000.00" not in listing.content.decode()
    assert "Total repayment at the approved terms" in detail.content.decode()
