"""The application state machine (DESIGN.md, "Applying and application states").

The statuses, the one table of what may follow what, and the sets every caller reads:
``FINAL`` (nothing follows), ``LENDER_SETTABLE`` (what a lender may report, by callback or
in the portal) and ``DECISIONS`` (what the borrower is emailed about). This module imports
no model: ``models.py`` builds its constraints from it. Status changes are written by
``services.transitions.transition``.
"""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import ApplicationError


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    FORWARDING = "forwarding", gettext_lazy("Being sent to the lender")
    FORWARDED = "forwarded", gettext_lazy("With the lender")
    DELIVERY_FAILED = "delivery_failed", gettext_lazy("Could not be sent")
    IN_REVIEW = "in_review", gettext_lazy("In review")
    MORE_INFO_NEEDED = "more_info_needed", gettext_lazy("More information needed")
    APPROVED = "approved", gettext_lazy("Approved")
    OFFER_ACCEPTED = "offer_accepted", gettext_lazy("Changed terms accepted")
    DECLINED = "declined", gettext_lazy("Declined")
    DISBURSED = "disbursed", gettext_lazy("Disbursed")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")
    EXPIRED = "expired", gettext_lazy("Expired")


S = ApplicationStatus

ALLOWED: dict[str, set[str]] = {
    S.SUBMITTED: {S.FORWARDING, S.WITHDRAWN},
    S.FORWARDING: {S.FORWARDED, S.DELIVERY_FAILED, S.WITHDRAWN},
    S.DELIVERY_FAILED: {S.FORWARDING, S.WITHDRAWN},
    S.FORWARDED: {S.IN_REVIEW, S.MORE_INFO_NEEDED, S.APPROVED, S.DECLINED, S.WITHDRAWN, S.EXPIRED},
    S.IN_REVIEW: {S.MORE_INFO_NEEDED, S.APPROVED, S.DECLINED, S.WITHDRAWN, S.EXPIRED},
    S.MORE_INFO_NEEDED: {S.IN_REVIEW, S.APPROVED, S.DECLINED, S.WITHDRAWN, S.EXPIRED},
    # To disbursed only at the terms applied for: changed terms are the borrower's to accept
    # first (``services.offers``), or to turn down by withdrawing.
    S.APPROVED: {S.DISBURSED, S.OFFER_ACCEPTED, S.WITHDRAWN, S.EXPIRED},
    S.OFFER_ACCEPTED: {S.DISBURSED, S.WITHDRAWN, S.EXPIRED},
    S.DISBURSED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
    S.EXPIRED: set(),
}

# Nothing follows these (in the table's order: the open-application constraint reads it).
FINAL: tuple[str, ...] = tuple(status for status, after in ALLOWED.items() if not after)
# What a lender may report. The rest is ours (forwarding) or the borrower's (withdrawing).
# In this order the partner API documents them.
LENDER_SETTABLE: tuple[str, ...] = (
    S.IN_REVIEW,
    S.APPROVED,
    S.DECLINED,
    S.DISBURSED,
    S.MORE_INFO_NEEDED,
    S.EXPIRED,
)
# The lender's decisions, each emailed to the borrower.
DECISIONS: tuple[str, ...] = (S.APPROVED, S.DECLINED, S.DISBURSED)


class InvalidTransition(ApplicationError):
    code = "invalid_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            _("An application that is %(current)s cannot become %(target)s.")
            % {"current": S(current).label, "target": S(target).label}
        )
        self.current = current
        self.target = target


def check_transition(current: str, target: str) -> None:
    if target not in ALLOWED.get(current, set()):
        raise InvalidTransition(current, target)
