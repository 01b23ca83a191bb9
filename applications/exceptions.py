from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule of borrowers and applications was broken."""

    code = "application_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NationalIdTaken(ApplicationError):
    code = "national_id_taken"

    def __init__(self) -> None:
        # Says nothing about the other account: that would leak whose number it is.
        super().__init__(
            _("This national ID number is already registered. Contact us if it is yours.")
        )


class EventTimeOutOfRange(ApplicationError):
    code = "invalid"

    def __init__(self) -> None:
        super().__init__(_("occurred_at must fall between the application's submission and now."))
