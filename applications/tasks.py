"""Celery tasks: a few lines each, calling a service. Delivery state is in the database."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> None:
    from . import services  # deferred: services import this module

    services.deliver(delivery_id=delivery_id)


@shared_task
def sweep_deliveries() -> None:
    from . import services

    services.sweep_deliveries()


@shared_task
def notify_decision(application_id: str) -> None:
    from . import services

    services.notify_decision(application_id=application_id)


@shared_task
def notify_lender_inbox(application_id: str) -> None:
    from . import services

    services.notify_lender_inbox(application_id=application_id)
