"""Tasks queued after commit, and a broker outage (the real publisher, a broker that is down)."""

import logging
from unittest import mock

import pytest
from django.db import transaction

from applications.tasks import deliver as deliver_task
from devtools.testing.workers import broker_unreachable
from loanmarket.queue import enqueue_on_commit

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_is_queued_only_once_the_transaction_commits():
    with mock.patch.object(deliver_task, "delay") as delay:
        with transaction.atomic():
            enqueue_on_commit(deliver_task, 42)
            assert not delay.called
        delay.assert_called_once_with(42)


def test_nothing_is_queued_when_the_transaction_rolls_back():
    with mock.patch.object(deliver_task, "delay") as delay, transaction.atomic():
        enqueue_on_commit(deliver_task, 42)
        transaction.set_rollback(True)

    assert not delay.called


def test_a_broker_outage_after_commit_is_logged_and_the_commit_stands(caplog):
    """The write has committed (the sweeper sends what is due), so nothing is raised; the
    log names the task and the IDs."""
    with (
        broker_unreachable(),
        caplog.at_level(logging.WARNING, logger="loanmarket.queue"),
        transaction.atomic(),
    ):
        enqueue_on_commit(deliver_task, 42)

    (record,) = [r for r in caplog.records if r.name == "loanmarket.queue"]
    assert "applications.tasks.deliver(42,)" in record.getMessage()
    assert "OperationalError" in record.getMessage()
