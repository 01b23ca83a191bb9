"""``make bench``: the site under gunicorn with production settings, driven by wrk.

Loads the demo data plus generated products into the current (PostgreSQL) database,
starts gunicorn on loopback, and prints one JSON line per page: requests per second, p50
and p99 latency, errors, and throughput as a ratio of a minimal page of the same site
(``/robots.txt``: a fixed template, no database) measured in the same run.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.module_loading import import_string

from devtools.demo.catalogue import create_bench_products, load_demo

WRK = "/usr/bin/wrk"
CEILING = ("ceiling", "/robots.txt")
PAGES = (
    ("catalogue", "/loans/"),
    ("catalogue_filtered", "/loans/?amount=20000&term=12"),
    ("detail", "/loans/jade-river/quick-cash/"),
    ("schedule", "/loans/jade-river/quick-cash/schedule.json?amount=10000&term=12"),
)
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/14"
BROKER_URL = "redis://127.0.0.1:6379/13"  # read-only pages enqueue nothing
STARTUP_SECONDS = 60
STOP_SECONDS = 15
WRK_GRACE_SECONDS = 30
LATENCY_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def database_url(*, settings_dict: dict) -> str:
    """A ``DATABASE_URL`` that django-environ turns back into these connection settings."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = quote(settings_dict["HOST"] or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def clear_cache(*, cache_url: str) -> None:
    """Empty the site's cache, so no page rendered from another run's data is served."""
    config = environ.Env.cache_url_config(cache_url)
    backend = import_string(config["BACKEND"])(config["LOCATION"], {})
    backend.clear()
    backend.close()


def ensure_port_free(*, port: int) -> None:
    """Refuse to start when something already listens there: wrk would measure it instead."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise CommandError(f"Port {port} on 127.0.0.1 is in use: {exc}") from exc


def log_tail(*, log_path: Path, lines: int = 30) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def fetch_status(*, url: str) -> int:
    """The HTTP status of one GET (0 when nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback http
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, urllib.error.URLError):
        return 0


def wait_until_ready(*, server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(
                f"gunicorn exited ({server.returncode}):\n{log_tail(log_path=log_path)}"
            )
        if fetch_status(url=base_url + CEILING[1]) == 200:
            return
        time.sleep(0.2)
    raise CommandError(
        f"gunicorn did not answer in {STARTUP_SECONDS}s:\n{log_tail(log_path=log_path)}"
    )


def stop_server(*, server: subprocess.Popen) -> None:
    """Graceful stop (SIGTERM), then SIGKILL if the workers do not finish in time."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=STOP_SECONDS)


def parse_latency_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise CommandError(f"Unexpected wrk latency {text!r}")
    return float(match[1]) * LATENCY_UNITS_MS[match[2]]


def parse_wrk(*, output: str) -> dict[str, float | int]:
    """Requests/sec, p50 and p99 latency (ms) and errors from ``wrk --latency`` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if rps is None or p50 is None or p99 is None:
        raise CommandError(f"Could not read wrk's output:\n{output}")
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx[1]) if non_2xx else 0
    return {
        "rps": round(float(rps[1]), 1),
        "p50_ms": round(parse_latency_ms(p50[1]), 2),
        "p99_ms": round(parse_latency_ms(p99[1]), 2),
        "errors": errors,
    }


def run_wrk(*, url: str, duration: int, connections: int) -> dict[str, float | int]:
    threads = min(2, connections)
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    try:
        result = subprocess.run(  # noqa: S603 - fixed executable, our own arguments
            command, capture_output=True, text=True, timeout=duration + WRK_GRACE_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        raise CommandError(f"wrk did not finish against {url}") from exc
    if result.returncode != 0:
        raise CommandError(f"wrk failed against {url}:\n{result.stderr}")
    return parse_wrk(output=result.stdout)


class Command(BaseCommand):
    help = (
        "Benchmark the catalogue pages under gunicorn (production settings) with wrk; "
        "print one JSON line per page, with throughput as a ratio of /robots.txt's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=5000)
        parser.add_argument("--duration", type=int, default=15, help="Seconds of wrk per page.")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--port", type=int, default=8123)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(
        self,
        *args,
        products: int,
        duration: int,
        connections: int,
        port: int,
        workers: int,
        **options,
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_site needs PostgreSQL (set DATABASE_URL).")
        if connection.in_atomic_block:
            raise CommandError("bench_site must commit its data: run it outside a transaction.")
        if min(duration, connections, workers) < 1 or products < 0:
            raise CommandError("--duration, --connections and --workers must be positive.")
        if not Path(WRK).exists():
            raise CommandError(f"{WRK} is missing: apt-get install wrk")
        ensure_port_free(port=port)

        self.stderr.write("Loading the demo data and generated products...")
        load_demo()
        create_bench_products(count=products)
        cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
        clear_cache(cache_url=cache_url)

        with tempfile.TemporaryDirectory(prefix="bench-site-") as workdir:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "loanmarket.settings.production",
                # URL-safe: django-environ would read a key starting with "$" as a reference.
                "SECRET_KEY": secrets.token_urlsafe(50),
                # The keys the data was written with (this process's).
                "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
                "BLIND_INDEX_KEYS": ",".join(settings.BLIND_INDEX_KEYS),
                "DEBUG": "0",
                "DATABASE_URL": database_url(settings_dict=connection.settings_dict),
                "CACHE_URL": cache_url,
                "PAGE_CACHE_URL": cache_url,
                "CELERY_BROKER_URL": BROKER_URL,
                "ALLOWED_HOSTS": "127.0.0.1",
                "ADMIN_URL": "bench-admin/",
                "TRUSTED_PROXY_COUNT": "0",  # wrk talks to gunicorn directly
                "ADMINS": "bench@loanmarket.test",
                "SECURE_SSL_REDIRECT": "0",
                "SESSION_COOKIE_SECURE": "0",
                "CSRF_COOKIE_SECURE": "0",
                "STATIC_ROOT": str(Path(workdir) / "static"),
                "LOG_LEVEL": "WARNING",
            }
            # The manifest storage needs collected files for every {% static %}.
            collected = subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=STARTUP_SECONDS,
            )
            if collected.returncode != 0:
                raise CommandError(f"collectstatic failed:\n{collected.stderr}")
            log_path = Path(workdir) / "gunicorn.log"
            with log_path.open("w") as log:
                server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "loanmarket.wsgi",
                        f"--bind=127.0.0.1:{port}",
                        f"--workers={workers}",
                        f"--graceful-timeout={STOP_SECONDS - 5}",
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                try:
                    self.benchmark(
                        server=server,
                        base_url=f"http://127.0.0.1:{port}",
                        log_path=log_path,
                        duration=duration,
                        connections=connections,
                    )
                finally:
                    stop_server(server=server)

    def benchmark(
        self,
        *,
        server: subprocess.Popen,
        base_url: str,
        log_path: Path,
        duration: int,
        connections: int,
    ) -> None:
        wait_until_ready(server=server, base_url=base_url, log_path=log_path)
        for _name, path in (CEILING, *PAGES):
            status = fetch_status(url=base_url + path)
            if status != 200:
                raise CommandError(
                    f"{path} answered {status} when warming up:\n{log_tail(log_path=log_path)}"
                )
        ceiling_rps = 0.0
        for name, path in (CEILING, *PAGES):
            self.stderr.write(f"wrk {duration}s against {path}...")
            result = run_wrk(url=base_url + path, duration=duration, connections=connections)
            if name == CEILING[0]:
                ceiling_rps = float(result["rps"])
            ratio = round(float(result["rps"]) / ceiling_rps, 3) if ceiling_rps else 0.0
            line = {"page": name, "url": path, **result, "ratio_to_ceiling": ratio}
            self.stdout.write(json.dumps(line))
