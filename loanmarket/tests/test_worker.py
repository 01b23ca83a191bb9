"""A real Celery worker and beat's heartbeat task, on Redis and on the server-less default."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run_worker_and_send(env: dict[str, str]) -> str:
    """Start a worker, send it ``record_heartbeat`` through the broker, return what it wrote."""
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "loanmarket",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    read = (
        "from django.core.cache import cache; from loanmarket.tasks import HEARTBEAT_KEY;"
        "print(cache.get(HEARTBEAT_KEY) or '')"
    )
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from loanmarket.tasks import record_heartbeat; record_heartbeat.delay()",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            seen = subprocess.run(
                [sys.executable, "manage.py", "shell", "-v0", "-c", read],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout.strip()
            if seen:
                return seen
            time.sleep(0.5)
        return ""
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


def test_a_worker_on_redis_runs_the_heartbeat_task(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loanmarket.settings.test",
        "CACHE_URL": f"filecache://{tmp_path}/cache",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{14}",
    }

    assert run_worker_and_send(env).startswith("20")


@pytest.mark.django_db
def test_the_default_configuration_runs_a_worker_with_no_servers(tmp_path):
    """`make run`'s setup: SQLite and the filesystem broker under var/, no server at all."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="loanmarket.settings.local",
        VAR_DIR=str(tmp_path),  # its own broker folders, keys and database
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CACHE_URL=f"filecache://{tmp_path}/cache-{uuid.uuid4().hex}",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )

    assert run_worker_and_send(env).startswith("20")
