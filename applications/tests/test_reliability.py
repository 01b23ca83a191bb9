"""No application lost, none sent twice: a real Celery worker (with its beat sweeper) on
Redis, the sandbox lender on loopback, and the worker killed in the middle of a send."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from applications import services
from applications.models import Application, Delivery
from lenders import services as lender_services
from lenders.management.commands.bench_site import database_url
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.sandbox import SandboxConfig, start_in_thread

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
S = Application.Status


def start_worker(queue: str, **env: str) -> subprocess.Popen:
    """A worker with embedded beat on its own queue (so no other test's messages reach
    it), on this test's database; the sweeper runs every second."""
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "loanmarket.settings.test",
        "DATABASE_URL": database_url(settings_dict=connection.settings_dict),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DELIVERY_SWEEP_SECONDS": "1",
        **env,
    }
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "loanmarket",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--schedule={Path(tempfile.gettempdir()) / f'beat-{queue}'}",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    os.killpg(worker.pid, sig)
    worker.wait(timeout=30)


def wait_for(predicate, seconds: float = 45.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def forwarded_to_sandbox(borrower, full_profile):
    def make(**faults):
        sandbox = start_in_thread(SandboxConfig(secrets={}, **faults))
        lender = LenderFactory(slug="reliable")
        lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/reliable"
        lender.save()
        sandbox.config.secrets["reliable"] = lender_services.rotate_webhook_secret(lender=lender)
        application = services.submit_application(
            borrower=borrower,
            product=LoanProductFactory(lender=lender),
            amount=Decimal("20000"),
            term_months=12,
            purpose="consumption",
            consented_fields=services.fields_to_share(full_profile),
            ip_address=None,
        )
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
