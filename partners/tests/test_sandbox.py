"""The whole loop on real parts: our service forwards to the sandbox lender over loopback,
and the sandbox calls the partner API back (a live server) to review and decide."""

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
from partners.sandbox import SandboxConfig, start_in_thread

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
