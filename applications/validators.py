"""Chinese identity numbers, checked before anything is stored."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
MOBILE_SEPARATORS = re.compile(r"[\s\-.()]")
OLDEST_YEARS = 120  # no one older holds an 18-character number (issued from 1999)


def normalize_digits(value: str) -> str:
    """Full-width digits typed on a Chinese keyboard become ASCII; spaces go."""
    return unicodedata.normalize("NFKC", value).strip().replace(" ", "")


def normalize_mobile(value: str) -> str:
    """A mainland mobile number as its 11 digits: the country code (+86, 0086 or 86 before
    the 11 digits), spaces, dashes, dots and brackets go; full-width digits become ASCII."""
    digits = MOBILE_SEPARATORS.sub("", normalize_digits(value))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def normalize_national_id(value: str) -> str:
    return normalize_digits(value).upper()


def national_id_birth_date(value: str) -> datetime.date:
    """The date of birth a valid 18-character ID number (GB 11643-1999) carries.

    Raises ``ValidationError`` for a wrong shape, checksum or impossible date: one that is
    not in the calendar, is after today, or is more than ``OLDEST_YEARS`` ago.
    """
    if not ID_PATTERN.fullmatch(value):
        raise ValidationError(
            _("A national ID number has 17 digits and then a digit or X."), code="id_shape"
        )
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK_CHARS[total % 11] != value[17]:
        raise ValidationError(
            _("This national ID number is not valid: please check every digit."),
            code="id_checksum",
        )
    today = timezone.localdate()
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        born = None
    if born is None or born > today or today.year - born.year > OLDEST_YEARS:
        raise ValidationError(
            _("This national ID number does not hold a real date of birth."), code="id_date"
        )
    return born


def validate_mobile(value: str) -> None:
    if not MOBILE_PATTERN.fullmatch(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 13 to 19."), code="mobile"
        )
