"""Errors of the lender-facing side, each with a stable ``code`` (the partner API maps codes
to HTTP statuses in one table, ``partners.api.errors.STATUS``)."""

from django.utils.translation import gettext_lazy as _

from lenders.templatetags.money import cny


class PartnerError(Exception):
    """A lender's request was refused; ``message`` says why, in words for the lender."""

    code = "partner_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(PartnerError):
    code = "unauthenticated"


class SecretUnavailable(PartnerError):
    """The lender's signing secret is stored under an encryption key we no longer have."""

    code = "secret_unavailable"

    def __init__(self) -> None:
        super().__init__(
            _("Your signing secret cannot be read on our side just now; try again later.")
        )


class BodyTooLarge(PartnerError):
    code = "too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(_("The body is over %(limit)d bytes.") % {"limit": limit})


class NotFound(PartnerError):
    """No such object of the caller's (another lender's is the same: it does not exist)."""

    code = "not_found"


class NotJson(PartnerError):
    code = "not_json"

    def __init__(self) -> None:
        super().__init__(_("The body is not JSON."))


class InvalidBody(PartnerError):
    code = "invalid"


class ApplicationMismatch(PartnerError):
    """The signed body names another application than the path does."""

    code = "application_mismatch"

    def __init__(self) -> None:
        super().__init__(
            _(
                "The body's application_id is not the application in the path; sign each event "
                "for the application it is about."
            )
        )


class MessageIdReused(PartnerError):
    """A ``webhook-id`` we already answered, now with another path or body."""

    code = "message_id_reused"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This webhook-id was already used for another path or body; give every message "
                "its own id."
            )
        )


class ActionRefused(PartnerError):
    """A portal member may not do this (a viewer deciding, a suspended lender)."""

    code = "action_refused"


class DisbursementMismatch(PartnerError):
    """A disbursement of another amount than the terms that hold."""

    code = "disbursement_mismatch"

    def __init__(self, amount) -> None:
        super().__init__(
            _(
                "The amount disbursed must be the amount approved, %(amount)s: other terms are "
                "the borrower's to accept first."
            )
            % {"amount": cny(amount)}
        )


class DisbursementBeforeApplication(PartnerError):
    code = "disbursement_before_application"

    def __init__(self) -> None:
        super().__init__(_("A disbursement cannot be dated before the application was received."))
