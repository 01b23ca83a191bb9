from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule of borrowers and applications was broken."""

    code = "application_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The words of every failure to save an ID number that the borrower cannot fix by typing.
IDENTITY_NOT_SAVED = _("We could not save this ID number. Please contact support.")


class NationalIdTaken(ApplicationError):
    code = "national_id_taken"

    def __init__(self) -> None:
        # Not "already registered": that would confirm to whoever types a number in that
        # another account holds it. The attempt is recorded for staff instead.
        super().__init__(IDENTITY_NOT_SAVED)


class IdentitySavesLimited(ApplicationError):
    code = "identity_saves_limited"

    def __init__(self) -> None:
        super().__init__(
            _("You have saved your ID details too many times. Please try again in an hour.")
        )


class EventTimeOutOfRange(ApplicationError):
    code = "invalid"

    def __init__(self) -> None:
        super().__init__(_("occurred_at must fall between the application's submission and now."))
