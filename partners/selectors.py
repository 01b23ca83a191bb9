"""What a lender may see: the one place object-level authorization lives, for the partner
API and the portal alike. Another lender's object is not found, never shown."""

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from applications.models import Application
from lenders.models import Lender

from .exceptions import NotFound


def lender_applications(*, lender: Lender) -> QuerySet[Application]:
    """The applications sent to this lender, newest first."""
    return (
        Application.objects.filter(lender=lender)
        .select_related("product")
        .order_by("-submitted_at")
    )


def lender_application(*, lender: Lender, application_id: uuid.UUID) -> Application:
    """One of the lender's applications; ``NotFound`` if it is not theirs or does not exist."""
    application = lender_applications(lender=lender).filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("No such application of yours."))
    return application
