"""A stand-alone simulated partner lender, for the demo and for tests.

It behaves as a real lender would: it verifies every message's Standard Webhooks
signature with the standardwebhooks library, honours ``Idempotency-Key`` (the same key gets
the first answer and one application), and counts what it received, so tests and
benchmarks can check that nothing was lost or sent twice (``GET /stats``).

Each lender it plays has its own path and secret: ``<base>/<lender-slug>/applications``.
A little after each new application it calls back, signed, ``in_review`` and then
``approved`` or ``declined`` (``decline_rate``), each event naming in its signed body the
application it is about. It approves within the product's published ranges (``products``,
which the command reads from the database), and every ``changed_terms_every``-th application
(by its id, so the same one every time) at changed terms: a smaller amount and the product's
highest APR. When the borrower accepts changed terms (``POST <lender>/acceptances``), it
disburses. Fault modes: latency, a random failure rate, and per-key scripts
(``fail_first``: answer 500 to the first N attempts of each key; ``hang_first``: hang
past the caller's timeout; ``reject_all``: answer 422 with a reason).

``manage.py sandbox_lender`` runs it with every matching lender's real secret, so only with
DEBUG on; tests start it in a thread (``start_in_thread``) with the secrets they choose.
"""

import contextlib
import datetime
import json
import random
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class ProductRange:
    """What a product publishes: the sandbox approves within it."""

    min_amount: Decimal
    max_amount: Decimal
    min_term_months: int
    max_term_months: int
    apr_min: Decimal
    apr_max: Decimal

    @classmethod
    def of(cls, product) -> "ProductRange":
        """A priced ``LoanProduct``'s ranges."""
        return cls(
            min_amount=product.min_amount,
            max_amount=product.max_amount,
            min_term_months=product.min_term_months,
            max_term_months=product.max_term_months,
            apr_min=product.apr_min,
            apr_max=product.apr_max,
        )


@dataclass
class SandboxConfig:
    secrets: dict[str, str]  # lender slug → whsec_ secret
    products: dict[tuple[str, str], ProductRange] = field(default_factory=dict)  # (lender, code)
    changed_terms_every: int = 3  # 0: never
    latency_ms: int = 0
    fail_rate: float = 0.0
    fail_first: int = 0
    hang_first: int = 0
    hang_seconds: float = 0.0
    reject_all: bool = False
    seed: int | None = None
    # Decisions: where to call back (the platform's base URL), after how long, how often no.
    callback_base: str | None = None
    callback_delay: float = 1.0
    decline_rate: float = 0.0


@dataclass
class SandboxState:
    answers: dict[str, tuple[int, dict]] = field(default_factory=dict)  # key → first answer
    attempts: dict[str, int] = field(default_factory=dict)
    applications: dict[str, int] = field(default_factory=dict)  # key → times accepted
    withdrawals: dict[str, int] = field(default_factory=dict)
    acceptances: dict[str, int] = field(default_factory=dict)
    posts: int = 0
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def stats(self) -> dict:
        with self.lock:
            return {
                "posts": self.posts,
                "applications": len(self.applications),
                "duplicates": sum(n - 1 for n in self.applications.values()),
                "withdrawals": len(self.withdrawals),
                "acceptances": len(self.acceptances),
                "bad_signatures": self.bad_signatures,
            }


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], config: SandboxConfig) -> None:
        super().__init__(address, _Handler)
        self.config = config
        self.state = SandboxState()
        self.random = random.Random(config.seed)  # noqa: S311 - simulated behaviour


class _Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"  # kept-alive connections, as a real lender's server would
    disable_nagle_algorithm = True  # or each answer's body waits for the headers' ACK

    def log_message(self, format: str, *args) -> None:
        return  # quiet: tests and benchmarks read /stats instead

    def do_GET(self) -> None:
        if self.path == "/stats":
            self._answer(200, self.server.state.stats())
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        config, state = self.server.config, self.server.state
        parts = self.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] not in config.secrets:
            self._answer(404, {"error": "unknown lender or path"})
            return
        slug, action = parts
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            Webhook(config.secrets[slug]).verify(body, dict(self.headers.items()))
        except (WebhookVerificationError, ValueError):  # ValueError: a malformed header
            with state.lock:
                state.bad_signatures += 1
            self._answer(401, {"error": "bad signature"})
            return
        key = self.headers.get("Idempotency-Key", "")
        with state.lock:
            state.posts += 1
            state.attempts[key] = attempt = state.attempts.get(key, 0) + 1
            first = state.answers.get(key)
        if first is not None:
            self._answer(*first)
            return
        if config.latency_ms:
            time.sleep(config.latency_ms / 1000)
        if attempt <= config.hang_first:
            time.sleep(config.hang_seconds)
            return self._answer(503, {"error": "too slow"})
        if attempt <= config.fail_first or self.server.random.random() < config.fail_rate:
            return self._answer(500, {"error": "temporary failure"})
        if config.reject_all:
            return self._remember(key, 422, {"reason": "missing employment certificate"})
        if action == "withdrawals":
            with state.lock:
                state.withdrawals[key] = state.withdrawals.get(key, 0) + 1
            return self._remember(key, 200, {"status": "withdrawn"})
        if action == "acceptances":
            with state.lock:
                state.acceptances[key] = state.acceptances.get(key, 0) + 1
                new = state.acceptances[key] == 1
            self._remember(key, 200, {"status": "accepted"})
            if new and config.callback_base:
                threading.Thread(
                    target=_disburse, args=(config, slug, json.loads(body)), daemon=True
                ).start()
            return None
        if action != "applications":
            return self._answer(404, {"error": "unknown path"})
        with state.lock:
            state.applications[key] = state.applications.get(key, 0) + 1
            new = state.applications[key] == 1
        self._remember(key, 201, {"reference": f"SBX-{uuid.uuid4().hex[:10]}"})
        if new and config.callback_base:
            threading.Thread(
                target=_decide, args=(self.server, slug, json.loads(body)), daemon=True
            ).start()

    def _remember(self, key: str, status: int, body: dict) -> None:
        with self.server.state.lock:
            self.server.state.answers.setdefault(key, (status, body))
            status, body = self.server.state.answers[key]
        self._answer(status, body)

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _decide(server: SandboxServer, slug: str, application: dict) -> None:
    """Review, then approve or decline, telling the platform by signed callbacks."""
    config = server.config
    declined = server.random.random() < config.decline_rate
    final = (
        {"status": "declined", "reason": "Income could not be verified."}
        if declined
        else {"status": "approved", **_approval(config, slug, application)}
    )
    for event in ({"status": "in_review"}, final):
        time.sleep(config.callback_delay)
        _call_back(config, slug, application["application_id"], event)


def _approval(config: SandboxConfig, slug: str, application: dict) -> dict:
    """The terms applied for; for every ``changed_terms_every``-th application (by id) of a
    product whose ranges it knows, 80 % of the amount (in hundreds, not under the minimum) at
    the product's highest APR."""
    amount, apr = Decimal(application["amount"]), Decimal(application["apr"])
    product = config.products.get((slug, application["product_code"]))
    every = config.changed_terms_every
    if product is not None and every and uuid.UUID(application["application_id"]).int % every == 0:
        smaller = (amount * Decimal("0.8") / 100).to_integral_value(ROUND_FLOOR) * 100
        amount = max(product.min_amount, min(smaller, product.max_amount))
        apr = max(apr, product.apr_max)
    return {
        "approved_amount": f"{amount:.2f}",
        "apr": f"{apr:.2f}",
        "term_months": application["term_months"],
    }


def _disburse(config: SandboxConfig, slug: str, acceptance: dict) -> None:
    """The borrower accepted the changed terms: pay out."""
    time.sleep(config.callback_delay)
    _call_back(config, slug, acceptance["application_id"], {"status": "disbursed"})


def _call_back(config: SandboxConfig, slug: str, application_id: str, event: dict) -> None:
    now = datetime.datetime.now(datetime.UTC)
    body = json.dumps({"application_id": application_id, **event, "occurred_at": now.isoformat()})
    message_id = f"sbx-{uuid.uuid4()}"
    signature = Webhook(config.secrets[slug]).sign(message_id, now, body)
    request = urllib.request.Request(  # noqa: S310 - the platform's own URL
        f"{config.callback_base.rstrip('/')}/api/partner/v1/applications/{application_id}/events",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Lender": slug,
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        },
    )
    with contextlib.suppress(OSError):  # a real lender would retry; the sandbox moves on
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310


def start_in_thread(config: SandboxConfig, *, port: int = 0) -> SandboxServer:
    """A sandbox on 127.0.0.1 (port 0: any free port), serving in a daemon thread."""
    server = SandboxServer(("127.0.0.1", port), config)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
