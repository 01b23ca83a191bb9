"""Writes of the lender-facing side: signed messages from lenders, answered once; a portal
member's decisions; the record of who saw personal data.

A lender may send the same message again (a timeout on its side, a retry), and an attacker
may replay one it captured. Each message is its ``webhook-id``: the first real outcome is
kept with a fingerprint of what was signed and where it was sent, and a repeat is answered
from it without running again.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import services as application_services
from applications.models import Application
from lenders.models import Lender

from .access import refusal
from .exceptions import (
    ActionRefused,
    DisbursementBeforeApplication,
    DisbursementMismatch,
    MessageIdReused,
    NotFound,
)
from .models import InboundMessage, LenderMembership, PersonalDataAccess

S = Application.Status


@dataclass(frozen=True)
class Answer:
    """What the API answers: an HTTP status and a JSON body."""

    status: int
    body: dict

    @property
    def is_outcome(self) -> bool:
        """Something happened (2xx), or the state machine said no (409): keep it. Anything
        else changed nothing and says nothing about the genuine message, so is not kept."""
        return 200 <= self.status < 300 or self.status == 409


def message_fingerprint(*, path: str, body: bytes) -> str:
    return hashlib.sha256(path.encode() + b"\n" + body).hexdigest()


def answer_once(
    *, lender: Lender, message_id: str, fingerprint: str, handle: Callable[[], Answer]
) -> Answer:
    """The answer to a lender's message: the kept one if this ``message_id`` was already
    answered for the same ``fingerprint`` (``MessageIdReused`` if for another), else what
    ``handle`` gives, kept if it is an outcome.

    ``handle`` runs in the same transaction as the keeping, so when two copies of a message
    arrive at once, the one that loses the race to keep its answer is rolled back whole and
    answered with the winner's.
    """
    try:
        with transaction.atomic():
            kept = _kept_answer(lender=lender, message_id=message_id, fingerprint=fingerprint)
            if kept is not None:
                return kept
            answer = handle()
            if answer.is_outcome:
                InboundMessage.objects.create(
                    lender=lender,
                    message_id=message_id,
                    fingerprint=fingerprint,
                    response_status=answer.status,
                    response_body=answer.body,
                )
            return answer
    except IntegrityError:
        kept = _kept_answer(lender=lender, message_id=message_id, fingerprint=fingerprint)
        if kept is None:  # not the race on this message: someone else's constraint
            raise
        return kept


def _kept_answer(*, lender: Lender, message_id: str, fingerprint: str) -> Answer | None:
    kept = InboundMessage.objects.filter(lender=lender, message_id=message_id).first()
    if kept is None:
        return None
    if kept.fingerprint != fingerprint:
        raise MessageIdReused
    return Answer(kept.response_status, kept.response_body)


def record_personal_data_access(
    *,
    membership: LenderMembership,
    kind: str,
    client_ip: str | None,
    application: Application | None = None,
    detail: str = "",
) -> PersonalDataAccess:
    """Note that a member saw (``DETAIL``) or exported (``EXPORT``) personal fields."""
    return PersonalDataAccess.objects.create(
        user=membership.user,
        lender=membership.lender,
        application=application,
        kind=kind,
        detail=detail,
        client_ip=client_ip,
    )


class Decision(TextChoices):
    """What a member may decide in the portal, each a lender event as the API reports it."""

    APPROVE = "approve", gettext_lazy("Approve")
    DECLINE = "decline", gettext_lazy("Decline")
    MORE_INFO = "more-info", gettext_lazy("Ask for more information")
    DISBURSE = "disburse", gettext_lazy("Mark disbursed")


@transaction.atomic
def decide(
    *,
    membership: LenderMembership,
    application: Application,
    decision: str,
    approved_amount: Decimal | None = None,
    apr: Decimal | None = None,
    term_months: int | None = None,
    decline_reason: str = "",
    note: str = "",
    disbursed_amount: Decimal | None = None,
    disbursed_on: datetime.date | None = None,
) -> Application:
    """A member's decision on one of their lender's applications, through the same service
    as the API's callback (``record_lender_event``: the state machine, the approval's ranges
    and the borrower's email). Refused (``ActionRefused``) to a viewer or on a suspended
    lender; an application that is not the lender's is ``NotFound``."""
    reason = refusal(membership, method="POST", decides=True)
    if reason:
        raise ActionRefused(reason)
    if application.lender_id != membership.lender_id:
        raise NotFound(_("No such application of yours."))
    now = timezone.now()
    if decision == Decision.APPROVE:
        return application_services.record_lender_event(
            application=application,
            user=membership.user,
            status=S.APPROVED,
            occurred_at=now,
            approved_amount=approved_amount,
            apr=apr,
            term_months=term_months,
        )
    if decision == Decision.DECLINE:
        return application_services.record_lender_event(
            application=application,
            user=membership.user,
            status=S.DECLINED,
            occurred_at=now,
            reason=f"{decline_reason}: {note}" if note else decline_reason,
        )
    if decision == Decision.MORE_INFO:
        return application_services.record_lender_event(
            application=application,
            user=membership.user,
            status=S.MORE_INFO_NEEDED,
            occurred_at=now,
            reason=note,
        )
    if disbursed_amount != application.terms.amount:
        raise DisbursementMismatch(application.terms.amount)
    return application_services.record_lender_event(
        application=application,
        user=membership.user,
        status=S.DISBURSED,
        occurred_at=_disbursed_at(application=application, day=disbursed_on, now=now),
    )


def _disbursed_at(
    *, application: Application, day: datetime.date, now: datetime.datetime
) -> datetime.datetime:
    """When a disbursement on ``day`` happened, for its event: now if today, else midday,
    and never before the application arrived (``DisbursementBeforeApplication``)."""
    if day < timezone.localdate(application.submitted_at):
        raise DisbursementBeforeApplication
    if day >= timezone.localdate(now):
        return now
    midday = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return max(midday, application.submitted_at)
