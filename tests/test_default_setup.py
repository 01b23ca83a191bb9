"""The journey once on `make run`'s setup: SQLite, the filesystem broker, a worker with
beat, the sandbox lender and the web server, as separate processes and no server at all."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SUBMIT = """
from decimal import Decimal
from django.contrib.auth import get_user_model
from applications import services
from lenders.models import LoanProduct
borrower = get_user_model().objects.get(username="borrower@demo.test")
product = LoanProduct.objects.get(lender__slug="huaxia-harbour", slug="salary-express")
shown = services.disclose(
    profile=borrower.borrower_profile, product=product, amount=Decimal("20000"), term_months=12
)
application = services.submit_application(
    borrower=borrower, product=product, amount=Decimal("20000"), term_months=12,
    purpose="consumption", consent=shown.signed(), ip_address=None,
)
print(application.pk)
"""
STATUS = """
from applications.models import Application
print(Application.objects.get(pk="{pk}").status)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_journey_runs_on_the_default_setup(tmp_path):
    web, lender = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}},
        "DJANGO_SETTINGS_MODULE": "loanmarket.settings.local",
        "VAR_DIR": str(tmp_path),
        "SANDBOX_LENDER_URL": f"http://127.0.0.1:{lender}",
        "DELIVERY_SWEEP_SECONDS": "2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
            **kwargs,
        )

    manage("migrate", "-v0")
    manage("createcachetable")
    manage("load_demo")
    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for command in (
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{web}", "--noreload"],
            [
                sys.executable,
                "manage.py",
                "sandbox_lender",
                "--port",
                str(lender),
                "--callback-url",
                f"http://127.0.0.1:{web}",
                "--callback-delay",
                "0.5",
                "--decline-rate",
                "0",
            ],
            [
                str(BIN / "celery"),
                "-A",
                "loanmarket",
                "worker",
                "-B",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--schedule={tmp_path / 'beat'}",
            ],
        )
    ]
    try:
        time.sleep(2)  # the sandbox reads the lenders' secrets when it starts
        pk = manage("shell", "-v0", "-c", SUBMIT).stdout.strip()
        deadline, status = time.monotonic() + 60, ""
        while time.monotonic() < deadline and status != "approved":
            time.sleep(0.5)
            status = manage("shell", "-v0", "-c", STATUS.format(pk=pk)).stdout.strip()
        assert status == "approved"
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
