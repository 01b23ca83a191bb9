"""The one place an application's status changes (the table is ``applications.states``)."""

import datetime

from django.utils import timezone

from .. import states
from ..models import Application, ApplicationEvent


def transition(
    *,
    application: Application,
    to: str,
    actor: str,
    detail: str = "",
    occurred_at: datetime.datetime | None = None,
    changes: dict | None = None,
    user=None,
) -> Application:
    """Checked against ``states``, recorded as an event. ``changes`` are other fields
    saved in the same UPDATE (a reference, a decision); ``user`` is the person who made
    the change, where one did (a lender's member in the portal)."""
    states.check_transition(application.status, to)
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        from_status=application.status,
        to_status=to,
        detail=detail,
        occurred_at=occurred_at or timezone.now(),
        user=user,
    )
    application.status = to
    for name, value in (changes or {}).items():
        setattr(application, name, value)
    application.save(update_fields=["status", "updated_at", *(changes or {})])
    return application
