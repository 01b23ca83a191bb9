"""Writes of the lender-facing side: signed messages from lenders, answered once.

A lender may send the same message again (a timeout on its side, a retry), and an attacker
may replay one it captured. Each message is its ``webhook-id``: the first real outcome is
kept with a fingerprint of what was signed and where it was sent, and a repeat is answered
from it without running again.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from lenders.models import Lender

from .exceptions import MessageIdReused
from .models import InboundMessage


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
