"""Reason and question codes in words a borrower understands (translated)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lenders.choices import City, Occupation
from lenders.templatetags.money import cny


def explain(code: str, params: dict) -> str:
    if code == "student_bank_only":
        return _("Students can borrow only from banks (the 2021 rule on campus lending).")
    if code == "business_use_only":
        return _("A business loan is for business use only.")
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
