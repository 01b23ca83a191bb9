"""``bench_forwarding``: applications through the real service, a real worker and broker,
to the sandbox lender; how many are delivered per second, and none lost or doubled.

On the configured database (``DATABASE_URL``) and broker (``CELERY_BROKER_URL``). The
applications are submitted first (their tasks wait on the broker); then the worker starts,
and throughput is measured between the first and the last delivery.
"""

import datetime
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max, Min

from applications import services
from applications.models import (
    Application,
    ApplicationEvent,
    BorrowerProfile,
    Consent,
    Delivery,
    DeliveryAttempt,
)
from devtools.demo.catalogue import load_demo
from devtools.management.commands.bench_site import database_url
from lenders import services as lender_services
from lenders.models import Lender, LoanProduct
from loanmarket.celery import app as celery_app
from partners.sandbox import SandboxConfig, start_in_thread

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
WAIT_SECONDS = 600
VACUUMED = (Application, ApplicationEvent, Delivery, DeliveryAttempt, BorrowerProfile, Consent)


def identity(*, serial: int) -> tuple[str, datetime.date]:
    """A valid (GB 11643) ID number and its date of birth, distinct for each serial."""
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=serial // 1000)
    body = f"110101{born:%Y%m%d}{serial % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check, born


class Command(BaseCommand):
    help = "Forward applications through a real worker to the sandbox lender; one JSON line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--applications", type=int, default=1000)
        parser.add_argument("--concurrency", type=int, default=4)

    def handle(self, *args, applications: int, concurrency: int, **options) -> None:
        if not 1 <= applications <= 99_999 or concurrency < 1:
            raise CommandError("--applications runs from 1 to 99,999; --concurrency from 1.")
        if connection.in_atomic_block:
            raise CommandError(
                "bench_forwarding must commit its data: run it outside a transaction."
            )
        run = uuid.uuid4().hex[:8]
        queue = f"bench-{run}"
        default_queue = celery_app.conf.task_default_queue
        celery_app.conf.task_default_queue = queue  # only the bench's own worker reads it
        load_demo()
        sandbox = start_in_thread(SandboxConfig(secrets={}))
        try:
            product = self._bench_product(sandbox, run)
            borrowers = self._borrowers(applications, run)
            self.stderr.write(f"Submitting {applications} applications...")
            submitted = [self._submit(user, product).pk for user in borrowers]
            self._vacuum()
            self.stderr.write(f"Forwarding with a worker of concurrency {concurrency}...")
            worker = self._start_worker(queue, concurrency)
            try:
                delivered = self._wait(sandbox, submitted)
            finally:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
            stats = sandbox.state.stats()
        finally:
            sandbox.shutdown()
            celery_app.conf.task_default_queue = default_queue
        span = Delivery.objects.filter(application_id__in=submitted).aggregate(
            first=Min("delivered_at"), last=Max("delivered_at")
        )
        seconds = max((span["last"] - span["first"]).total_seconds(), 1e-3) if delivered else 0
        self.stdout.write(
            json.dumps(
                {
                    "applications": applications,
                    "delivered": delivered,
                    "per_second": round((delivered - 1) / seconds, 1) if delivered > 1 else 0,
                    "lost": applications - stats["applications"],
                    "duplicates": stats["duplicates"],
                    "concurrency": concurrency,
                    "database": connection.vendor,
                    "broker": settings.CELERY_BROKER_URL.split(":", 1)[0],
                }
            )
        )

    def _vacuum(self) -> None:
        """What autovacuum does on a real server (this machine's PostgreSQL runs without it):
        without it each run's updates leave dead rows for the next run to wade through."""
        if connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table for model in VACUUMED]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")

    def _bench_product(self, sandbox, run: str) -> LoanProduct:
        lender = Lender.objects.get(slug="huaxia-harbour")
        slug = f"bench-{run}"
        lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/{slug}"
        lender_services.save_lender(lender=lender)
        sandbox.config.secrets[slug] = lender_services.rotate_webhook_secret(lender=lender)
        return LoanProduct.objects.get(lender=lender, slug="salary-express")

    @staticmethod
    def _submit(user, product: LoanProduct):
        """Apply as the site does: consenting to the review page's signed disclosure."""
        amount = Decimal("20000")
        shown = services.disclose(
            profile=user.borrower_profile, product=product, amount=amount, term_months=12
        )
        return services.submit_application(
            borrower=user,
            product=product,
            amount=amount,
            term_months=12,
            purpose="consumption",
            consent=shown.signed(),
            ip_address=None,
        )

    def _borrowers(self, count: int, run: str) -> list:
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"bench-{run}-{i}@example.test", email=f"bench-{run}-{i}@example.test"
            )
            for i in range(count)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        offset = random.randint(0, 10_000_000)  # noqa: S311 - distinct ID numbers per run
        people = [identity(serial=offset + i) for i in range(count)]
        BorrowerProfile.objects.bulk_create(
            BorrowerProfile(
                user=user,
                full_name="测试",
                mobile="13800000000",
                national_id=people[i][0],
                national_id_index=services.national_id_index(people[i][0]),
                date_of_birth=people[i][1],
                city="beijing",
                occupation="salaried",
                months_in_job=24,
                monthly_income=Decimal("15000"),
                has_social_insurance=True,
                has_housing_fund=True,
                has_credit_card=True,
                monthly_debt_payments=Decimal("0"),
            )
            for i, user in enumerate(users)
        )
        return list(
            get_user_model()
            .objects.filter(pk__in=[u.pk for u in users])
            .select_related("borrower_profile")
        )

    def _start_worker(self, queue: str, concurrency: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "loanmarket.settings.local"
            ),
            "DATABASE_URL": database_url(settings_dict=connection.settings_dict)
            if connection.vendor == "postgresql"
            else os.environ.get("DATABASE_URL", ""),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CONN_MAX_AGE": "600",  # a worker keeps its database connection, as in production
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "BLIND_INDEX_KEYS": ",".join(settings.BLIND_INDEX_KEYS),
        }
        return subprocess.Popen(  # noqa: S603 - our own interpreter's celery, fixed arguments
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "loanmarket",
                "worker",
                f"--concurrency={concurrency}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env={k: v for k, v in env.items() if v},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _wait(self, sandbox, submitted: list) -> int:
        """Until every application is recorded as forwarded. The lender's own count is
        watched first: polling the database all along would take a core from the worker."""
        deadline = time.monotonic() + WAIT_SECONDS
        while sandbox.state.stats()["applications"] < len(submitted):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        while True:
            delivered = Application.objects.filter(
                pk__in=submitted, status=Application.Status.FORWARDED
            ).count()
            if delivered == len(submitted) or time.monotonic() > deadline:
                return delivered
            time.sleep(0.05)
