"""Coarse, non-identifying bands: what anonymous matching asks and what logs keep."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Band:
    """A half-open range [low, high); ``None`` is unbounded on that side."""

    low: Decimal | None
    high: Decimal | None

    @classmethod
    def exactly(cls, value: Decimal | int) -> "Band":
        return cls(Decimal(value), Decimal(value))

    @property
    def is_exact(self) -> bool:
        return self.low is not None and self.low == self.high


AGE_BANDS = {
    "18-24": (Band(Decimal(18), Decimal(25)), _("18–24")),
    "25-34": (Band(Decimal(25), Decimal(35)), _("25–34")),
    "35-44": (Band(Decimal(35), Decimal(45)), _("35–44")),
    "45-54": (Band(Decimal(45), Decimal(55)), _("45–54")),
    "55-64": (Band(Decimal(55), Decimal(65)), _("55–64")),
    "65+": (Band(Decimal(65), None), _("65 or older")),
}
INCOME_BANDS = {
    "0-3000": (Band(Decimal(0), Decimal(3000)), _("under ¥3,000")),
    "3000-5000": (Band(Decimal(3000), Decimal(5000)), _("¥3,000–5,000")),
    "5000-8000": (Band(Decimal(5000), Decimal(8000)), _("¥5,000–8,000")),
    "8000-12000": (Band(Decimal(8000), Decimal(12000)), _("¥8,000–12,000")),
    "12000-20000": (Band(Decimal(12000), Decimal(20000)), _("¥12,000–20,000")),
    "20000+": (Band(Decimal(20000), None), _("¥20,000 or more")),
}


def age_on(date_of_birth: datetime.date, today: datetime.date) -> int:
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


def band_of(value: Decimal | int | None, bands: dict) -> str:
    """The code of the band holding ``value`` (for logs), or ""."""
    if value is None:
        return ""
    for code, (band, _label) in bands.items():
        if band.low <= value and (band.high is None or value < band.high):
            return code
    return ""
