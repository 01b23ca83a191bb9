"""Lead caps: the periods a product's daily and monthly caps count in, and their words.

Periods are calendar days and months in ``settings.TIME_ZONE`` (Asia/Shanghai, Beijing time):
a day's count starts at 00:00 Beijing time, a month's on the 1st at 00:00.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

DAY = "day"
MONTH = "month"


def period_starts(*, now: datetime.datetime | None = None) -> dict[str, datetime.date]:
    """The first day of the day and of the month that ``now`` (default: now) falls in."""
    today = timezone.localdate(now)
    return {DAY: today, MONTH: today.replace(day=1)}


def reopens_on(*, period: str, starts_on: datetime.date) -> datetime.date:
    """The first day of the period after the one starting on ``starts_on``."""
    if period == DAY:
        return starts_on + datetime.timedelta(days=1)
    if starts_on.month == 12:
        return starts_on.replace(year=starts_on.year + 1, month=1, day=1)
    return starts_on.replace(month=starts_on.month + 1, day=1)


def not_taking_until(day: datetime.date) -> str:
    """What borrowers are told of a product at its cap, in this language."""
    return _("Not taking applications until %(date)s.") % {
        "date": formats.date_format(day, "DATE_FORMAT")
    }
