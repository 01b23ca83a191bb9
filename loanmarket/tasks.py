from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "loanmarket:worker-heartbeat"


@shared_task
def record_heartbeat() -> None:
    """Beat sends this every minute; /healthz shows when a worker last ran it."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), None)
