"""Reason and question codes in words a borrower understands (translated)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lenders.caps import not_taking_until
from lenders.choices import City, LoanPurpose, Occupation
from lenders.templatetags.money import cny


def _yuan(value: Decimal) -> str:
    """A limit as lenders write it: ¥30,000 when whole, else to the cent."""
    return f"¥{value:,.0f}" if value == value.to_integral_value() else cny(value)


def _payment(value: Decimal) -> str:
    """A payment estimated from the payment per yuan, to the nearest yuan: ¥25,490."""
    return f"¥{value.to_integral_value(rounding=ROUND_HALF_UP):,.0f}"


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _debt_service(params: dict) -> str:
    figures = {
        "payment": _payment(params["payment"]),
        "debt": _yuan(params["debt"]),
        "ratio": _percent(params["ratio"]),
    }
    if params["debt"] and params["level"]:
        text = _(
            "The payment would be about %(payment)s a month; with your other debt payments of "
            "%(debt)s a month, that is more than %(ratio)s%% of your income."
        )
    elif params["debt"]:
        text = _(
            "The largest payment would be about %(payment)s; with your other debt payments of "
            "%(debt)s a month, that is more than %(ratio)s%% of your income."
        )
    elif params["level"]:
        text = _(
            "The payment would be about %(payment)s a month, more than %(ratio)s%% of your income."
        )
    else:
        text = _(
            "The largest payment would be about %(payment)s, more than %(ratio)s%% of your income."
        )
    text %= figures
    if params["basis"] == "band_top":
        band = _("That holds even at %(income)s a month, the top of your income band.") % {
            "income": _yuan(params["income"])
        }
        # Translators: a reason, then the sentence saying it holds at the top of the band.
        text = _("%(reason)s %(band)s") % {"reason": text, "band": band}
    return text


def explain(code: str, params: dict) -> str:
    if code == "at_cap":
        return not_taking_until(params["until"])
    if code == "student_bank_only":
        return _("Students can borrow only from banks (the 2021 rule on campus lending).")
    if code == "business_use_only":
        return _("A business loan is for business use only.")
    if code == "purpose":
        served = sorted(LoanPurpose(purpose).label for purpose in params["served"])
        return _("It does not serve your purpose (%(purpose)s); it serves: %(served)s.") % {
            "purpose": LoanPurpose(params["purpose"]).label,
            # Translators: joins the purposes a loan serves, as in "Travel, Education".
            "served": _(", ").join(str(label) for label in served),
        }
    if code == "below_minimum":
        return _("This lender lends from %(min)s on this loan; you asked for %(asked)s.") % {
            "min": _yuan(params["min"]),
            "asked": _yuan(params["asked"]),
        }
    if code == "debt_service":
        return _debt_service(params)
    if code == "longer_term":
        figures = {"term": params["term"], "payment": _payment(params["payment"])}
        if not params["level"]:
            return (
                ngettext(
                    "Over %(term)s month instead, its largest payment would be about %(payment)s.",
                    "Over %(term)s months instead, its largest payment would be about %(payment)s.",
                    params["term"],
                )
                % figures
            )
        return (
            ngettext(
                "Over %(term)s month instead, it would be about %(payment)s a month.",
                "Over %(term)s months instead, it would be about %(payment)s a month.",
                params["term"],
            )
            % figures
        )
    if code == "smaller_amount":
        figures = {
            "amount": _yuan(params["amount"]),
            "term": params["term"],
            "payment": _payment(params["payment"]),
        }
        if not params["level"]:
            return (
                ngettext(
                    "%(amount)s over %(term)s month: its largest payment would be about "
                    "%(payment)s.",
                    "%(amount)s over %(term)s months: its largest payment would be about "
                    "%(payment)s.",
                    params["term"],
                )
                % figures
            )
        return (
            ngettext(
                "%(amount)s over %(term)s month would be about %(payment)s a month.",
                "%(amount)s over %(term)s months would be about %(payment)s a month.",
                params["term"],
            )
            % figures
        )
    if code == "occupation":
        return _("Not offered to: %(occupation)s.") % {
            "occupation": Occupation(params["occupation"]).label
        }
    if code == "city":
        return _("Not available in %(city)s.") % {"city": City(params["city"]).label}
    if code == "age":
        return _("For ages %(min)s to %(max)s only.") % params
    if code == "income":
        return _("Needs a monthly income of at least %(min)s.") % {"min": cny(params["min"])}
    if code == "months_in_job":
        return (
            ngettext(
                "Needs at least %(min)s month in your current job.",
                "Needs at least %(min)s months in your current job.",
                params["min"],
            )
            % params
        )
    if code == "social_insurance":
        return _("Needs social insurance contributions.")
    if code == "revenue":
        return _("Needs monthly business revenue of at least %(min)s.") % {
            "min": cny(params["min"])
        }
    if code == "years_trading":
        return (
            ngettext(
                "Needs at least %(min)s year of trading.",
                "Needs at least %(min)s years of trading.",
                params["min"],
            )
            % params
        )
    if code == "debt_to_income":
        return _("Your existing debt payments are above %(max)s%% of your income.") % {
            "max": f"{params['max'].normalize():f}"
        }
    if code == "means_below_minimum":
        return _("Your means support at most %(limit)s here, below its minimum of %(min)s.") % {
            "limit": cny(params["limit"]),
            "min": cny(params["min"]),
        }
    if code == "amount_range":
        return _("It lends %(min)s to %(max)s, so this offer is for %(amount)s.") % {
            "min": cny(params["min"]),
            "max": cny(params["max"]),
            "amount": cny(params["amount"]),
        }
    if code == "term_range":
        return (
            _("It runs %(min)s to %(max)s months, so this offer is over %(term)s months.") % params
        )
    if code == "income_limit":
        return _("Limited to %(limit)s: %(multiple)s times your monthly income.") % {
            "limit": cny(params["limit"]),
            "multiple": f"{params['multiple'].normalize():f}",
        }
    if code == "revenue_limit":
        return _("Limited to %(limit)s: %(multiple)s times your monthly business revenue.") % {
            "limit": cny(params["limit"]),
            "multiple": f"{params['multiple'].normalize():f}",
        }
    raise ValueError(code)


QUESTIONS = {
    "tell_occupation": gettext_lazy("Tell us your occupation."),
    "tell_city": gettext_lazy("Tell us your city."),
    "tell_age": gettext_lazy("Tell us your age."),
    "tell_age_exactly": gettext_lazy("Tell us your date of birth."),
    "tell_income": gettext_lazy("Tell us your exact monthly income."),
    "tell_months_in_job": gettext_lazy("Tell us how long you have been in your current job."),
    "tell_social_insurance": gettext_lazy("Tell us whether you pay social insurance."),
    "tell_revenue": gettext_lazy("Tell us your monthly business revenue."),
    "tell_years_trading": gettext_lazy("Tell us how long your business has been trading."),
    "tell_debt": gettext_lazy("Tell us your exact income and existing monthly debt payments."),
}
