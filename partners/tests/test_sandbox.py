"""The whole loop on real parts: our service forwards to the sandbox lender over loopback,
and the sandbox calls the partner API back (a live server) to review and decide."""

import uuid
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from applications import services
from applications.models import Application, Delivery
from devtools.testing.fixtures import submit
from devtools.testing.workers import wait_for
from lenders import services as lender_services
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.sandbox import ProductRange, SandboxConfig, _approval, start_in_thread

pytestmark = pytest.mark.django_db(transaction=True)

S = Application.Status


@pytest.mark.parametrize(("decline_rate", "decision"), [(0.0, S.APPROVED), (1.0, S.DECLINED)])
def test_the_sandbox_reviews_and_decides_by_signed_callbacks(
    live_server, borrower, full_profile, decline_rate, decision
):
    sandbox = start_in_thread(
        SandboxConfig(
            secrets={}, callback_base=live_server.url, callback_delay=0.1, decline_rate=decline_rate
        )
    )
    try:
        lender = LenderFactory(slug="sbx")
        lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/sbx"
        lender.save()
        sandbox.config.secrets["sbx"] = lender_services.rotate_webhook_secret(lender=lender)
        application = submit(borrower, LoanProductFactory(lender=lender))
        delivery = application.deliveries.get()
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        services.deliver(delivery_id=delivery.pk)

        assert wait_for(lambda: Application.objects.get(pk=application.pk).status == decision)
        application.refresh_from_db()
        assert [e.to_status for e in application.events.all()][-2:] == [S.IN_REVIEW, decision]
        if decision == S.APPROVED:
            assert application.decision_amount == Decimal("20000.00")
    finally:
        sandbox.shutdown()


def test_the_sandbox_lender_command_refuses_to_run_without_debug(settings):
    """It would read every matching lender's real signing secret."""
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("sandbox_lender", "--port", "0")


def test_the_sandbox_approves_changed_terms_within_the_products_range_and_disburses_once_accepted(
    live_server, borrower, full_profile
):
    """The demo's flow: approved at a smaller amount and the product's highest APR, both
    within what it publishes; the borrower accepts; told so, the sandbox pays out."""
    sandbox = start_in_thread(
        SandboxConfig(
            secrets={}, callback_base=live_server.url, callback_delay=0.1, changed_terms_every=1
        )
    )
    try:
        lender = LenderFactory(slug="sbx")
        lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/sbx"
        lender.save()
        sandbox.config.secrets["sbx"] = lender_services.rotate_webhook_secret(lender=lender)
        product = LoanProductFactory(lender=lender, upfront_fee_pct=Decimal("2"))
        sandbox.config.products[("sbx", product.slug)] = ProductRange.of(product)
        application = submit(borrower, product)
        deliver_now(application, Delivery.Kind.FORWARD)

        assert wait_for(lambda: Application.objects.get(pk=application.pk).status == S.APPROVED)
        application.refresh_from_db()
        assert application.terms_changed
        assert application.decision_amount == Decimal("16000.00")
        assert application.decision_apr == product.apr_max
        assert product.min_amount <= application.decision_amount <= product.max_amount

        services.accept_offer(
            borrower=borrower, application=application, offer=services.offer_token(application)
        )
        deliver_now(application, Delivery.Kind.ACCEPTANCE)

        assert wait_for(lambda: Application.objects.get(pk=application.pk).status == S.DISBURSED)
        assert sandbox.state.stats()["acceptances"] == 1
        assert [e.to_status for e in application.events.all()][-3:] == [
            S.APPROVED,
            S.OFFER_ACCEPTED,
            S.DISBURSED,
        ]
    finally:
        sandbox.shutdown()


def test_which_applications_the_sandbox_approves_at_changed_terms_is_fixed_by_their_id():
    config = SandboxConfig(
        secrets={},
        changed_terms_every=3,
        products={
            ("sbx", "cash"): ProductRange(
                min_amount=Decimal("1000"),
                max_amount=Decimal("50000"),
                min_term_months=3,
                max_term_months=24,
                apr_min=Decimal("10.95"),
                apr_max=Decimal("14.20"),
            )
        },
    )
    ids = [uuid.UUID(int=n) for n in range(6)]

    def approval(application_id):
        applied = {"amount": "20000.00", "apr": "10.95", "term_months": 12, "product_code": "cash"}
        return _approval(config, "sbx", {**applied, "application_id": str(application_id)})

    approvals = [approval(application_id) for application_id in ids]
    assert approvals == [approval(application_id) for application_id in ids]
    changed = [a for a in approvals if a["approved_amount"] != "20000.00"]
    assert changed == [{"approved_amount": "16000.00", "apr": "14.20", "term_months": 12}] * 2
    # A product whose ranges it does not know: approved as applied for.
    unknown = _approval(
        config,
        "sbx",
        {
            "application_id": str(ids[0]),
            "product_code": "other",
            "amount": "20000.00",
            "apr": "9.00",
            "term_months": 12,
        },
    )
    assert unknown == {"approved_amount": "20000.00", "apr": "9.00", "term_months": 12}


def deliver_now(application: Application, kind: str) -> None:
    delivery = application.deliveries.get(kind=kind)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    services.deliver(delivery_id=delivery.pk)
