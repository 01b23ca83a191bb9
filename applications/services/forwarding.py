"""Forwarding to lenders: at least once, with an idempotency key, every attempt logged.

Delivery state lives in the database. ``deliver`` claims a due delivery with one
conditional UPDATE (so a duplicate task message is harmless), POSTs the signed JSON, and
records the attempt. Timeouts, connection errors, 408, 429 and 5xx are retried with
exponential backoff and jitter through ``next_attempt_at`` for at least an hour; a 401 or
403 (the lender refused our signature) a few times; any other 4xx fails at once with the
lender's reason, and so does a lender without a signing secret. ``create_delivery`` is the
one way a delivery comes to be. The beat task ``sweep_deliveries`` re-queues whatever is
due, including deliveries a dead worker left behind (their lease expired).
"""

import datetime
import json
import logging
import os
import random
import time
from functools import cache

import urllib3
from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lenders import signing, validators
from lenders.exceptions import InsecureApiUrl
from loanmarket.crypto import UndecryptableValue
from loanmarket.queue import enqueue_on_commit

from ..models import Application, ApplicationEvent, Delivery, DeliveryAttempt
from ..tasks import deliver as deliver_task
from .transitions import transition

logger = logging.getLogger(__name__)

S = Application.Status
RETRY_FOR = datetime.timedelta(hours=1, minutes=5)
FIRST_BACKOFF_SECONDS = 5
MAX_BACKOFF_SECONDS = 600
RETRYABLE = {408, 429}
# A lender refusing our signature: a body cut short (a worker killed between the headers
# and the body) or a secret rotated a moment ago reads the same, so a few more tries.
REFUSED = {401, 403}
REFUSED_TRIES = 3
MAX_ANSWER_BYTES = 65536  # of a lender's answer, kept for its reference or reason
# What sending reads (only these: every delivery of every application runs through here).
SENDING_FIELDS = (
    "kind",
    "idempotency_key",
    "attempts",
    "retrying_since",
    "application__status",
    "application__amount",
    "application__term_months",
    "application__purpose",
    "application__apr",
    "application__decision_amount",
    "application__decision_apr",
    "application__decision_term_months",
    "application__shared_data",
    "application__lender__api_base_url",
    "application__lender__webhook_secret",
    "application__product__slug",
)


class _Outcome:
    def __init__(self, *, status: int | None, body: str = "", error: str = "") -> None:
        self.status, self.body, self.error = status, body, error

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status in RETRYABLE or self.status >= 500

    @property
    def refused(self) -> bool:
        return self.status in REFUSED


def _idempotency_key(application: Application, kind: str) -> str:
    return str(application.id) if kind == Delivery.Kind.FORWARD else f"{application.id}:{kind}"


def create_delivery(*, application: Application, kind: str) -> Delivery:
    """The delivery of ``kind`` for this application, due now, its task queued once the
    transaction commits (the sweeper sends it should that message be lost).

    An application has one delivery of each kind, keyed by its idempotency key, so the
    lender sees one message whatever happens: a staff re-send re-arms the failed delivery,
    with a new hour of retries, instead of writing another."""
    key = _idempotency_key(application, kind)
    now = timezone.now()
    rearmed = Delivery.objects.filter(idempotency_key=key, state=Delivery.State.FAILED).update(
        state=Delivery.State.PENDING, retrying_since=now, next_attempt_at=now, lease_expires_at=None
    )
    if rearmed:
        delivery = Delivery.objects.get(idempotency_key=key)
    else:
        delivery = Delivery.objects.create(application=application, kind=kind, idempotency_key=key)
    enqueue_on_commit(deliver_task, delivery.pk)
    return delivery


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    return bool(
        Delivery.objects.filter(
            Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now),
            pk=delivery_id,
            state=Delivery.State.PENDING,
            next_attempt_at__lte=now,
        ).update(
            lease_expires_at=now + datetime.timedelta(seconds=settings.DELIVERY_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )


# Where each kind of message goes, under the lender's API base URL.
PATHS = {
    Delivery.Kind.FORWARD: "/applications",
    Delivery.Kind.WITHDRAWAL: "/withdrawals",
    Delivery.Kind.ACCEPTANCE: "/acceptances",
}


def _payload(delivery: Delivery) -> dict:
    application = delivery.application
    if delivery.kind == Delivery.Kind.WITHDRAWAL:
        return {"application_id": str(application.id), "event": "withdrawn"}
    if delivery.kind == Delivery.Kind.ACCEPTANCE:
        return {
            "application_id": str(application.id),
            "event": "offer_accepted",
            "approved_amount": str(application.decision_amount),
            "apr": str(application.decision_apr),
            "term_months": application.decision_term_months,
        }
    return {
        "application_id": str(application.id),
        "product_code": application.product.slug,
        "amount": str(application.amount),
        "term_months": application.term_months,
        "apr": str(application.apr),
        "purpose": application.purpose,
        "applicant": json.loads(application.shared_data),
    }


@cache
def _lenders_http(pid: int) -> urllib3.PoolManager:
    """Kept-alive connections to lenders, one pool per process (a forked worker, its own).
    Never retried here: a retry is a new attempt, logged and backed off by this module."""
    return urllib3.PoolManager(num_pools=100, maxsize=2, retries=False, block=False)


def _post(delivery: Delivery) -> _Outcome:
    lender = delivery.application.lender
    path = PATHS[delivery.kind]
    body = json.dumps(_payload(delivery), ensure_ascii=False)
    headers = signing.signed_headers(
        secret=lender.webhook_secret,
        message_id=f"{delivery.idempotency_key}:{delivery.attempts}",
        body=body,
        at=timezone.now(),
    )
    try:
        response = _lenders_http(os.getpid()).request(
            "POST",
            lender.api_base_url.rstrip("/") + path,
            body=body.encode(),
            headers={
                **headers,
                "Content-Type": "application/json",
                "Idempotency-Key": delivery.idempotency_key,
            },
            timeout=urllib3.Timeout(total=settings.LENDER_TIMEOUT_SECONDS),
            redirect=False,
            preload_content=False,
        )
        answer = response.read(MAX_ANSWER_BYTES + 1)
    except urllib3.exceptions.HTTPError as exc:
        return _Outcome(status=None, error=f"{type(exc).__name__}: {exc}"[:500])
    if len(answer) > MAX_ANSWER_BYTES:
        response.close()  # an answer this long is not read to its end: the connection goes
    else:
        response.release_conn()
    return _Outcome(status=response.status, body=answer[:MAX_ANSWER_BYTES].decode(errors="replace"))


def _reason(outcome: _Outcome) -> str:
    if outcome.error:
        return outcome.error
    try:
        body = json.loads(outcome.body)
    except ValueError:
        return f"HTTP {outcome.status}"
    reason = (
        body.get("reason") or body.get("error") or body.get("detail")
        if isinstance(body, dict)
        else None
    )
    return f"HTTP {outcome.status}: {reason}" if reason else f"HTTP {outcome.status}"


def deliver(*, delivery_id: int) -> None:
    """Send one delivery if it is due and no one else holds it."""
    if not _claim(delivery_id):
        return
    try:
        delivery = (
            Delivery.objects.select_related("application__lender", "application__product")
            .only(*SENDING_FIELDS)
            .get(pk=delivery_id)
        )
    except UndecryptableValue:  # a key removed too soon: no retry can help until it is back
        _fail_unsent(
            Delivery.objects.only("kind", "application_id").get(pk=delivery_id),
            _(
                "The lender's secret or the application's data cannot be decrypted with the "
                "current keys: nothing is sent until the old key is restored."
            ),
        )
        return
    application = delivery.application
    if delivery.kind == Delivery.Kind.FORWARD and application.status != S.FORWARDING:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.FAILED,
            lease_expires_at=None,
            last_error=_("No longer to be sent: the application moved on."),
        )
        return
    reason = _cannot_send(application.lender)
    if reason:
        _fail_unsent(delivery, reason)
        return
    started = timezone.now()
    clock = time.monotonic()
    outcome = _post(delivery)
    with transaction.atomic():  # the attempt and its outcome, in one commit
        retry, reason = _verdict(delivery, outcome)
        DeliveryAttempt.objects.create(
            delivery=delivery,
            started_at=started,
            duration_ms=int((time.monotonic() - clock) * 1000),
            status_code=outcome.status,
            error=reason,
        )
        if outcome.delivered:
            _delivered(delivery, outcome)
        elif retry:
            _retry_later(delivery, reason)
        else:
            _failed(delivery, reason)


@transaction.atomic
def _fail_unsent(delivery: Delivery, reason: str) -> None:
    """Nothing was sent, and nothing will be until staff act: logged, failed, staff told."""
    DeliveryAttempt.objects.create(
        delivery=delivery, started_at=timezone.now(), duration_ms=0, error=reason
    )
    _failed(delivery, reason)


def _cannot_send(lender) -> str:
    """Why nothing may go to this lender until staff act (empty: it may). Unsigned, no lender
    would take it; over plain HTTP to another host (an address saved before the https rule),
    personal data would travel in the clear."""
    if not lender.webhook_secret:
        return _("The lender has no signing secret: nothing can be sent until one is issued.")
    try:
        validators.check_api_base_url(lender.api_base_url)
    except InsecureApiUrl:
        return _("The lender's API address is not https://: nothing is sent until it is.")
    return ""


def _verdict(delivery: Delivery, outcome: _Outcome) -> tuple[bool, str]:
    """Whether to try again, and why (for the attempt log; empty when delivered)."""
    if outcome.delivered:
        return False, ""
    reason = _reason(outcome)
    in_time = timezone.now() - delivery.retrying_since < RETRY_FOR
    if not outcome.refused:
        return outcome.retryable and in_time, reason
    earlier = delivery.log.filter(status_code__in=REFUSED, started_at__gte=delivery.retrying_since)
    refusals = earlier.count() + 1
    if refusals < REFUSED_TRIES and in_time:
        return True, _(
            "%(reason)s — the lender refused our signature; retrying in case of a truncated "
            "body or a secret rotation (refusal %(count)d of %(tries)d)"
        ) % {"reason": reason, "count": refusals, "tries": REFUSED_TRIES}
    return False, _("%(reason)s — the lender refused our signature %(count)d times") % {
        "reason": reason,
        "count": refusals,
    }


def _retry_later(delivery: Delivery, reason: str) -> None:
    backoff = min(FIRST_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1), MAX_BACKOFF_SECONDS)
    Delivery.objects.filter(pk=delivery.pk).update(
        lease_expires_at=None,
        next_attempt_at=timezone.now()
        + datetime.timedelta(seconds=backoff * random.uniform(0.5, 1.5)),  # noqa: S311
        last_error=reason,
    )


def _delivered(delivery: Delivery, outcome: _Outcome) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.DELIVERED, lease_expires_at=None, delivered_at=timezone.now()
    )
    if delivery.kind != Delivery.Kind.FORWARD:
        return
    application = (
        Application.objects.select_for_update().only("status").get(pk=delivery.application_id)
    )
    if application.status != S.FORWARDING:
        return
    try:
        reference = str(json.loads(outcome.body).get("reference", ""))[:100]
    except (ValueError, AttributeError):
        reference = ""
    transition(
        application=application,
        to=S.FORWARDED,
        actor=ApplicationEvent.Actor.PLATFORM,
        changes={"lender_reference": reference},
    )


def _failed(delivery: Delivery, reason: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED, lease_expires_at=None, last_error=reason
    )
    if delivery.kind != Delivery.Kind.FORWARD:
        return
    application = (
        Application.objects.select_for_update()
        .select_related("lender")
        .only("status", "lender__name")  # never the lender's secrets: they may not decrypt
        .get(pk=delivery.application_id)
    )
    if application.status == S.FORWARDING:
        transition(
            application=application,
            to=S.DELIVERY_FAILED,
            actor=ApplicationEvent.Actor.PLATFORM,
            detail=reason,
        )
        lender_name = application.lender.name
        transaction.on_commit(
            lambda: mail_admins(
                _("Application could not be delivered"),
                _("Application %(id)s to %(lender)s: %(reason)s")
                % {"id": application.id, "lender": lender_name, "reason": reason},
            ),
            robust=True,
        )


@transaction.atomic
def resend(*, application: Application) -> Application:
    """Staff re-send an application whose delivery failed: same idempotency key, so the
    lender still sees one application; a new hour of retries."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    transition(application=application, to=S.FORWARDING, actor=ApplicationEvent.Actor.STAFF)
    create_delivery(application=application, kind=Delivery.Kind.FORWARD)
    return application


def sweep_deliveries() -> int:
    """Queue every delivery that is due, or whose worker died holding it."""
    now = timezone.now()
    due = Delivery.objects.filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now),
        state=Delivery.State.PENDING,
        next_attempt_at__lte=now,
    ).values_list("pk", flat=True)[:1000]
    ids = list(due)
    for delivery_id in ids:
        deliver_task.delay(delivery_id)
    return len(ids)
