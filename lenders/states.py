"""The lender and product state machines: one table each, and the moves that need a reason.

Only ``services.transition_lender`` and ``services.transition_product`` change a status; each
change is checked here and recorded as a ``LenderEvent`` or ``ProductEvent`` (who, when, from,
to, why).

Lenders (onboarding, by platform staff):

| from | allowed to |
|---|---|
| ``applied`` | ``under_review``, ``offboarded`` (declined, or withdrawn) |
| ``under_review`` | ``active`` (approved), ``applied`` (sent back for documents), ``offboarded`` |
| ``active`` | ``suspended``, ``offboarded`` |
| ``suspended`` | ``active`` (reinstated), ``offboarded`` |
| ``offboarded`` | nothing (final; its published products are paused) |

Only an ``active`` lender's products reach borrowers; suspending hides them without changing
their own status, so reinstating brings them back as they were.

Products (a lender drafts, staff review):

| from | allowed to |
|---|---|
| ``draft`` | ``pending_review`` |
| ``pending_review`` | ``published`` (within the APR cap), ``draft`` (sent back) |
| ``published`` | ``paused`` |
| ``paused`` | ``published`` (the cap checked again), ``draft`` (reworked, then reviewed again) |

No product status is final: a product leaves the site by being paused, and for good with its
lender's offboarding. A product of an offboarded lender cannot go back under review or be
published.
"""

from django.utils.translation import gettext as _

from .exceptions import LenderError
from .models import LenderStatus as L
from .models import ProductStatus as P

LENDER_ALLOWED: dict[str, set[str]] = {
    L.APPLIED: {L.UNDER_REVIEW, L.OFFBOARDED},
    L.UNDER_REVIEW: {L.ACTIVE, L.APPLIED, L.OFFBOARDED},
    L.ACTIVE: {L.SUSPENDED, L.OFFBOARDED},
    L.SUSPENDED: {L.ACTIVE, L.OFFBOARDED},
    L.OFFBOARDED: set(),
}
# Every move but the two steps forward of onboarding says why (the lender is told, and the
# event keeps it).
LENDER_NEEDS_REASON: set[tuple[str, str]] = {
    (L.APPLIED, L.OFFBOARDED),
    (L.UNDER_REVIEW, L.APPLIED),
    (L.UNDER_REVIEW, L.OFFBOARDED),
    (L.ACTIVE, L.SUSPENDED),
    (L.ACTIVE, L.OFFBOARDED),
    (L.SUSPENDED, L.ACTIVE),
    (L.SUSPENDED, L.OFFBOARDED),
}

PRODUCT_ALLOWED: dict[str, set[str]] = {
    P.DRAFT: {P.PENDING_REVIEW},
    P.PENDING_REVIEW: {P.PUBLISHED, P.DRAFT},
    P.PUBLISHED: {P.PAUSED},
    P.PAUSED: {P.PUBLISHED, P.DRAFT},
}
# A product sent back to its lender's drafts says what to change.
PRODUCT_NEEDS_REASON: set[tuple[str, str]] = {
    (P.PENDING_REVIEW, P.DRAFT),
    (P.PAUSED, P.DRAFT),
}


class InvalidLenderTransition(LenderError):
    code = "invalid_lender_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            _("A lender that is %(current)s cannot become %(target)s.")
            % {"current": L(current).label, "target": L(target).label}
        )
        self.current = current
        self.target = target


class InvalidProductTransition(LenderError):
    code = "invalid_product_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            _("A product that is %(current)s cannot become %(target)s.")
            % {"current": P(current).label, "target": P(target).label}
        )
        self.current = current
        self.target = target


class ReasonRequired(LenderError):
    code = "reason_required"

    def __init__(self) -> None:
        super().__init__(_("Say why: this change is recorded with its reason."))


def lender_needs_reason(current: str, target: str) -> bool:
    return (current, target) in LENDER_NEEDS_REASON


def product_needs_reason(current: str, target: str) -> bool:
    return (current, target) in PRODUCT_NEEDS_REASON


def check_lender_transition(current: str, target: str, *, reason: str) -> None:
    if target not in LENDER_ALLOWED.get(current, set()):
        raise InvalidLenderTransition(current, target)
    if lender_needs_reason(current, target) and not reason.strip():
        raise ReasonRequired


def check_product_transition(current: str, target: str, *, reason: str) -> None:
    if target not in PRODUCT_ALLOWED.get(current, set()):
        raise InvalidProductTransition(current, target)
    if product_needs_reason(current, target) and not reason.strip():
        raise ReasonRequired
