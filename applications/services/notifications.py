"""Emails to borrowers, in the language they applied in, and to lenders. They name the
lender and the status, never personal data."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from lenders.selectors import LENDER_SECRETS

from ..models import Application


def notify_decision(*, application_id: str) -> None:
    application = (
        Application.objects.select_related("borrower", "lender", "product")
        .defer("shared_data", *LENDER_SECRETS)
        .get(pk=application_id)
    )
    with translation.override(application.language):
        context = {"application": application, "site": settings.SITE_URL}
        send_mail(
            subject=render_to_string("applications/email/decision_subject.txt", context).strip(),
            message=render_to_string("applications/email/decision.txt", context),
            from_email=None,
            recipient_list=[application.borrower.email],
        )


def notify_lender_inbox(*, application_id: str) -> None:
    """Tell a lender without an API that an application waits in its portal inbox. The
    email holds no personal data: the lender reads the application in the portal."""
    application = (
        Application.objects.select_related("lender", "product")
        .defer("shared_data", *LENDER_SECRETS)
        .get(pk=application_id)
    )
    if not application.lender.contact_email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"application": application, "site": settings.SITE_URL}
        send_mail(
            subject=render_to_string("applications/email/inbox_subject.txt", context).strip(),
            message=render_to_string("applications/email/inbox.txt", context),
            from_email=None,
            recipient_list=[application.lender.contact_email],
        )
