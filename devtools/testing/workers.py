"""A real Celery worker for tests: its own queue, this test's database, a fast sweeper;
and a broker this process cannot reach."""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

from devtools.management.commands.bench_site import database_url
from loanmarket.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
UNREACHABLE_BROKER = "redis://127.0.0.1:9/0"  # nothing listens on port 9 of loopback
WRITE_URL = "CELERY_BROKER_WRITE_URL"


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


@contextlib.contextmanager
def broker_unreachable():
    """This process publishes to a broker that is down, until the block ends (start workers
    after it). Celery reads ``CELERY_BROKER_WRITE_URL`` from the environment before its
    settings, and keeps its publishing pools once made: they start afresh on the
    unreachable address, and the real ones are put back afterwards."""
    amqp = celery_app.amqp
    saved = os.environ.get(WRITE_URL), celery_app._pool, amqp._producer_pool
    os.environ[WRITE_URL], celery_app._pool, amqp._producer_pool = UNREACHABLE_BROKER, None, None
    try:
        yield
    finally:
        url, celery_app._pool, amqp._producer_pool = saved
        if url is None:
            del os.environ[WRITE_URL]
        else:
            os.environ[WRITE_URL] = url
