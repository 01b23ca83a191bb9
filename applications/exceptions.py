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


class DateOfBirthWithoutId(ApplicationError):
    code = "date_of_birth_without_id"

    def __init__(self) -> None:
        # Never compared with the saved number: that would answer, date after date, the
        # hidden digits 7-14 of the masked ID.
        super().__init__(
            _("To change your date of birth, type your national ID number again as well.")
        )


class DateOfBirthMismatch(ApplicationError):
    code = "date_of_birth_mismatch"

    def __init__(self) -> None:
        super().__init__(_("This date of birth does not match your national ID number."))


class UnderAge(ApplicationError):
    code = "under_age"

    def __init__(self) -> None:
        super().__init__(_("You must be 18 or older to borrow."))


class EventTimeOutOfRange(ApplicationError):
    code = "invalid"

    def __init__(self) -> None:
        super().__init__(_("occurred_at must fall between the application's submission and now."))


class TermsOutOfRange(ApplicationError):
    """An approval outside what the product publishes; ``reasons`` say each breach."""

    code = "terms_out_of_range"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class OfferNotAccepted(ApplicationError):
    """A disbursement of changed terms the borrower has not accepted (yet)."""

    code = "offer_not_accepted"

    def __init__(self) -> None:
        super().__init__(
            _(
                "The approved terms differ from those applied for, and the borrower has not "
                "accepted them yet: nothing may be disbursed until they do."
            )
        )


class OfferChanged(ApplicationError):
    """The borrower answered an offer that is no longer the one waiting for an answer (a
    second click, an old tab): nothing changed."""

    code = "offer_changed"
