"""Queueing Celery tasks once the current transaction commits.

A broker that cannot be reached when a write commits must not turn that committed write
into an error (the borrower would see a 500 for an application that exists, a lender's
callback a 500 for a status change that was made). The failure is logged, with the task's
name and the IDs it was given, nothing personal. A delivery's task is only a nudge: its
state lives in the database and beat's sweeper sends whatever is due. The borrower's
decision email and a lender's inbox email have no outbox yet: one queued during an outage is
lost, and only this log line says so.
"""

import logging
from uuid import UUID

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *ids: int | str | UUID) -> None:
    """``task.delay(*ids)`` after the current transaction commits (at once outside one)."""

    def enqueue() -> None:
        try:
            task.delay(*ids)
        except Exception as exc:  # noqa: BLE001 - whatever the broker raised, the write stands
            logger.warning(
                "Could not queue %s%r after commit (%s: %s).",
                task.name,
                ids,
                type(exc).__name__,
                exc,
            )

    # robust: should anything escape all the same, Django logs it (by the function's
    # __qualname__, which a functools.partial lacks) instead of raising after the commit.
    transaction.on_commit(enqueue, robust=True)
