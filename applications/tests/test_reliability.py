"""No application lost, none sent twice: a real Celery worker (with its beat sweeper) on
Redis, the sandbox lender on loopback, the worker killed in the middle of a send, and the
broker down when a borrower applies."""

import json
import logging
import signal
import uuid

import pytest
from django.utils import timezone

from applications.models import Application, Delivery
from devtools.testing.fixtures import VALID_ID, submit
from devtools.testing.workers import broker_unreachable, start_worker, stop, wait_for
from lenders import services as lender_services
from lenders import signing
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.sandbox import SandboxConfig, start_in_thread

pytestmark = pytest.mark.django_db(transaction=True)

S = Application.Status


@pytest.fixture
def forwarded_to_sandbox(borrower, full_profile):
    def make(**faults):
        sandbox = start_in_thread(SandboxConfig(secrets={}, **faults))
        lender = LenderFactory(slug="reliable")
        lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/reliable"
        lender.save()
        sandbox.config.secrets["reliable"] = lender_services.rotate_webhook_secret(lender=lender)
        application = submit(borrower, LoanProductFactory(lender=lender))
        return sandbox, application

    return make


def status_of(application: Application) -> str:
    return Application.objects.get(pk=application.pk).status


def test_a_lost_broker_message_is_delivered_by_the_sweeper(forwarded_to_sandbox):
    """The task message went to a queue no worker reads: the sweeper still sends it."""
    sandbox, application = forwarded_to_sandbox()
    worker = start_worker(f"test-{uuid.uuid4().hex}")
    try:
        assert wait_for(lambda: status_of(application) == S.FORWARDED)
    finally:
        stop(worker)
    assert sandbox.state.stats()["applications"] == 1
    assert sandbox.state.stats()["duplicates"] == 0
    sandbox.shutdown()


def test_a_worker_killed_while_sending_still_delivers_exactly_once(forwarded_to_sandbox):
    """SIGKILL mid-request; the lease runs out, a new worker sends it again with the same
    Idempotency-Key, and the lender still has one application."""
    sandbox, application = forwarded_to_sandbox(latency_ms=1500)
    queue = f"test-{uuid.uuid4().hex}"
    fast = {"LENDER_TIMEOUT_SECONDS": "5", "DELIVERY_LEASE_SECONDS": "6"}
    worker = start_worker(queue, **fast)
    try:
        assert wait_for(lambda: sandbox.state.stats()["posts"] >= 1 or bool(sandbox.state.attempts))
    finally:
        stop(worker, signal.SIGKILL)
    assert status_of(application) == S.FORWARDING  # it died before recording the answer

    worker = start_worker(queue, **fast)
    try:
        assert wait_for(lambda: status_of(application) == S.FORWARDED, seconds=60)
    finally:
        stop(worker)
    stats = sandbox.state.stats()
    assert stats["applications"] == 1
    assert stats["duplicates"] == 0
    assert application.deliveries.get().attempts >= 2
    assert Delivery.objects.get(application=application).state == Delivery.State.DELIVERED
    sandbox.shutdown()


def test_applying_while_the_broker_is_down_succeeds_and_the_sweeper_delivers_it_later(
    forwarded_to_sandbox, borrower_client, caplog
):
    """The application commits, its task cannot be queued: the borrower is not shown an
    error, sees the application, and once the broker is back the sweeper sends it."""
    with broker_unreachable(), caplog.at_level(logging.WARNING, logger="loanmarket.queue"):
        sandbox, application = forwarded_to_sandbox()  # submits: no exception

    assert status_of(application) == S.FORWARDING
    page = borrower_client.get("/applications/")
    assert page.status_code == 200
    assert application.get_absolute_url() in page.content.decode()
    assert borrower_client.get(application.get_absolute_url()).status_code == 200
    assert "Could not queue applications.tasks.deliver" in caplog.text
    assert VALID_ID not in caplog.text
    assert "13912345678" not in caplog.text

    worker = start_worker(f"test-{uuid.uuid4().hex}")  # the broker is back
    try:
        assert wait_for(lambda: status_of(application) == S.FORWARDED)
    finally:
        stop(worker)
    assert sandbox.state.stats()["applications"] == 1
    assert sandbox.state.stats()["duplicates"] == 0
    sandbox.shutdown()


def test_a_lenders_decision_while_the_broker_is_down_is_recorded_and_answered(
    borrower, full_profile, client
):
    """The status change commits; the callback gets its 200, not a 500 that its retry
    would then meet with a 409."""
    lender = LenderFactory(slug="deciding")  # takes applications in the portal inbox
    secret = lender_services.rotate_webhook_secret(lender=lender)
    application = submit(borrower, LoanProductFactory(lender=lender))
    body = json.dumps(
        {
            "application_id": str(application.id),
            "status": "declined",
            "reason": "Income could not be verified.",
            "occurred_at": timezone.now().isoformat(),
        }
    )
    headers = signing.signed_headers(
        secret=secret, message_id="evt-1", body=body, at=timezone.now()
    )

    with broker_unreachable():
        response = client.post(
            f"/api/partner/v1/applications/{application.id}/events",
            body,
            content_type="application/json",
            headers={**headers, "X-Lender": lender.slug},
        )

    assert response.status_code == 200
    assert status_of(application) == S.DECLINED
