"""The application state machine (DESIGN.md, "Applying and application states")."""

from django.utils.translation import gettext as _

from .exceptions import ApplicationError
from .models import ApplicationStatus as S

ALLOWED: dict[str, set[str]] = {
    S.SUBMITTED: {S.FORWARDING, S.WITHDRAWN},
    S.FORWARDING: {S.FORWARDED, S.DELIVERY_FAILED, S.WITHDRAWN},
    S.DELIVERY_FAILED: {S.FORWARDING, S.WITHDRAWN},
    S.FORWARDED: {S.IN_REVIEW, S.MORE_INFO_NEEDED, S.APPROVED, S.DECLINED, S.WITHDRAWN, S.EXPIRED},
    S.IN_REVIEW: {S.MORE_INFO_NEEDED, S.APPROVED, S.DECLINED, S.WITHDRAWN, S.EXPIRED},
    S.MORE_INFO_NEEDED: {S.IN_REVIEW, S.APPROVED, S.DECLINED, S.WITHDRAWN, S.EXPIRED},
    S.APPROVED: {S.DISBURSED, S.WITHDRAWN, S.EXPIRED},
    S.DISBURSED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
    S.EXPIRED: set(),
}


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
