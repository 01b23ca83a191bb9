"""Money, rates and durations as borrowers read them: ¥12,000.00 and 13.03%."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def cny(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return ""
    return f"¥{Decimal(value):,.2f}"


@register.filter
def pct(value: Decimal | None) -> str:
    """A computed percentage (APR, EAR) to two places: 13.03%."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):.2f}%"


@register.filter
def rate(value: Decimal | None) -> str:
    """A quoted percentage as the lender wrote it: 0.03%, 7.2%."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}%"


@register.filter
def approval_time(minutes: int) -> str:
    if minutes < 60:
        return ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {"n": minutes}
    if minutes < 60 * 24:
        hours = round(minutes / 60)
        return ngettext("about %(n)d hour", "about %(n)d hours", hours) % {"n": hours}
    days = round(minutes / (60 * 24))
    return ngettext("about %(n)d day", "about %(n)d days", days) % {"n": days}


@register.simple_tag
def quoted_price(product) -> str:
    """The lender's quote in words, as it would be advertised."""
    text = {
        "daily": _("%(rate)s a day"),
        "monthly": _("%(rate)s a month"),
        "annual": _("%(rate)s a year"),
    }[product.rate_unit] % {"rate": rate(product.rate_value)}
    if product.repayment_method == "flat_fee":
        text = _("%(quote)s on the original amount") % {"quote": text}
    if product.monthly_fee_pct:
        text = _("%(quote)s plus a monthly fee of %(fee)s of the amount") % {
            "quote": text,
            "fee": rate(product.monthly_fee_pct),
        }
    if product.upfront_fee_pct:
        text = _("%(quote)s and an upfront fee of %(fee)s") % {
            "quote": text,
            "fee": rate(product.upfront_fee_pct),
        }
    if product.interest_free_periods:
        text = ngettext(
            "%(quote)s, the first %(n)d month interest-free",
            "%(quote)s, the first %(n)d months interest-free",
            product.interest_free_periods,
        ) % {"quote": text, "n": product.interest_free_periods}
    return text
