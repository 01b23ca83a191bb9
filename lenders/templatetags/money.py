"""Money, rates and durations as borrowers read them: ¥12,000.00 and 13.03%."""

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lenders.pricing import PaymentShape, PaymentSummary

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


@dataclass(frozen=True)
class PaymentWords:
    """A schedule's payments in words: ``label`` names ``text`` ("Monthly payment", ¥883.58)."""

    label: str
    text: str
    is_level: bool


@register.simple_tag
def payment_terms(cost) -> PaymentWords:
    """The payments of ``cost`` (a Quote, a Schedule or anything with a ``payment_summary``)
    as every page and email words them: "¥883.58" a month when level, otherwise the truth
    in as few words, its largest payment always among them. A cost that knows only its first
    payment is shown as that, by that name: never as a monthly payment."""
    summary = getattr(cost, "payment_summary", None)
    if summary is None:
        return PaymentWords(label=_("First payment"), text=cny(cost.first_payment), is_level=False)
    return payment_words(summary)


def payment_words(summary: PaymentSummary) -> PaymentWords:
    if summary.is_level:
        return PaymentWords(label=_("Monthly payment"), text=cny(summary.regular), is_level=True)
    regular, final = cny(summary.regular), cny(summary.final)
    if summary.shape == PaymentShape.SINGLE:
        return PaymentWords(
            label=_("Repayments"),
            text=_("%(final)s once at the end") % {"final": final},
            is_level=False,
        )
    if summary.shape == PaymentShape.FALLING:
        rest = _("%(first)s falling to %(last)s") % {"first": regular, "last": final}
    elif summary.shape == PaymentShape.BALLOON:
        rest = _("%(regular)s a month, then %(final)s at the end") % {
            "regular": regular,
            "final": final,
        }
    else:
        rest = _("%(amount)s a month") % {"amount": regular}
    if not summary.intro_months:
        label = _("Monthly payment") if summary.shape == PaymentShape.FALLING else _("Repayments")
        return PaymentWords(label=label, text=rest, is_level=False)
    first, last, n = cny(summary.intro_first), cny(summary.intro_last), summary.intro_months
    if n == 1:
        text = _("first %(first)s, then %(rest)s") % {"first": first, "rest": rest}
    elif summary.intro_first == summary.intro_last:
        text = ngettext(
            "%(amount)s a month for the first %(n)d month, then %(rest)s",
            "%(amount)s a month for the first %(n)d months, then %(rest)s",
            n,
        ) % {"amount": first, "n": n, "rest": rest}
    else:
        text = ngettext(
            "%(first)s to %(last)s for the first %(n)d month, then %(rest)s",
            "%(first)s to %(last)s for the first %(n)d months, then %(rest)s",
            n,
        ) % {"first": first, "last": last, "n": n, "rest": rest}
    return PaymentWords(label=_("Repayments"), text=text, is_level=False)
