"""Matching: a pure function of (request, borrower, products) → ranked, explained offers.

No database here. ``selectors.matchable_products`` supplies the products (a snapshot kept
per catalogue version) and ``services.find_offers`` logs the match. The pipeline is:

1. eligibility — every rule of every product, each failure or unknown kept as a reason;
2. ranking — eligible first, then those we cannot decide yet, then the rest; within each,
   the true-cost order (APR, then approval speed) or the borrower's chosen sort. Real-time
   lender pre-screens narrow step 1 and sponsored placements sit beside step 2's list:
   neither may reorder it;
3. pricing — only the offers on the page shown are priced, by the one pricing engine, for
   exactly the amount and term offered.

Reasons are kept as codes and turned into words only for the offers shown.
"""

import datetime
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from lenders import pricing
from lenders.choices import City, Occupation
from lenders.templatetags.money import cny

from .bands import Band

ELIGIBLE, UNDECIDED, INELIGIBLE = 0, 1, 2
BUSINESS_CATEGORY = "business"
BUSINESS_PURPOSE = "business"
BANK = "bank"


@dataclass(frozen=True)
class LoanRequest:
    amount: Decimal
    term_months: int
    purpose: str


@dataclass(frozen=True)
class Borrower:
    """What we know of the borrower; ``None`` is "not told". Bands stand in for exact
    values when the borrower is anonymous."""

    age: Band | None = None
    monthly_income: Band | None = None
    city: str = ""
    occupation: str = ""
    months_in_job: int | None = None
    has_social_insurance: bool | None = None
    monthly_debt_payments: Decimal | None = None
    monthly_business_revenue: Decimal | None = None
    years_trading: int | None = None


@dataclass(frozen=True)
class ProductFacts:
    """One published product as matching sees it (built once per catalogue version)."""

    id: int
    name: str
    url: str
    lender_name: str
    lender_kind: str
    category: str
    min_amount: Decimal
    max_amount: Decimal
    min_term: int
    max_term: int
    approval_minutes: int
    price: pricing.QuotedPrice
    term_aprs: tuple[Decimal, ...]  # index: term - min_term
    min_age: int = 18
    max_age: int = 65
    min_monthly_income: Decimal | None = None
    occupations: frozenset[str] = frozenset()
    min_months_in_job: int | None = None
    cities: frozenset[str] = frozenset()
    social_insurance_required: bool = False
    min_business_revenue: Decimal | None = None
    min_years_trading: int | None = None
    max_debt_to_income_pct: Decimal | None = None
    income_multiple: Decimal | None = None
    revenue_multiple: Decimal | None = None


@dataclass
class Offer:
    product: ProductFacts
    status: int
    amount: Decimal
    term_months: int
    rank_apr: Decimal
    failures: list[tuple] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    adjustments: list[tuple] = field(default_factory=list)
    quote: pricing.Schedule | None = None

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE

    @property
    def undecided(self) -> bool:
        return self.status == UNDECIDED

    @property
    def reasons(self) -> list[str]:
        """Why not, in words a borrower understands."""
        return [_explain(code, params) for code, params in self.failures]

    @property
    def missing(self) -> list[str]:
        """What we would need to know to decide."""
        return [QUESTIONS[code] for code in self.unknowns]

    @property
    def notes(self) -> list[str]:
        """How the request was adjusted to fit this product."""
        return [_explain(code, params) for code, params in self.adjustments]


@dataclass(frozen=True)
class MatchResult:
    offers: list[Offer]  # the page asked for, ranked and priced
    eligible: int
    undecided: int
    ineligible: int

    @property
    def total(self) -> int:
        return self.eligible + self.undecided + self.ineligible


SORTS = {
    "apr": lambda o: (o.status, o.rank_apr, o.product.approval_minutes, o.product.id),
    "speed": lambda o: (o.status, o.product.approval_minutes, o.rank_apr, o.product.id),
    "amount": lambda o: (o.status, -o.amount, o.rank_apr, o.product.id),
}


def match(
    request: LoanRequest,
    borrower: Borrower,
    products: Sequence[ProductFacts],
    *,
    sort: str = "apr",
    offset: int = 0,
    limit: int = 20,
    start: datetime.date | None = None,
) -> MatchResult:
    """Every product judged for this borrower; the ranked page ``[offset, offset+limit)``
    is priced for exactly the amount and term each offer can give."""
    offers = [_judge(request, borrower, product) for product in products]
    counts = [0, 0, 0]
    for offer in offers:
        counts[offer.status] += 1
    page = heapq.nsmallest(offset + limit, offers, key=SORTS.get(sort, SORTS["apr"]))[offset:]
    start = start or datetime.date.today()
    for offer in page:
        if offer.status != INELIGIBLE:
            offer.quote = pricing.build_schedule(
                offer.product.price,
                amount=offer.amount,
                term_months=offer.term_months,
                start=start,
            )
    return MatchResult(offers=page, eligible=counts[0], undecided=counts[1], ineligible=counts[2])


def _at_least(band: Band, minimum: Decimal) -> bool | None:
    """Does every value of ``band`` reach ``minimum``? None when the band straddles it."""
    if band.low is not None and band.low >= minimum:
        return True
    if band.is_exact or (band.high is not None and band.high <= minimum):
        return False
    return None


def _age_within(age: Band, youngest: int, oldest: int) -> bool | None:
    """Is every (whole-year) age in the band within [youngest, oldest]? None if some are."""
    low = age.low
    top = low if age.is_exact else (age.high - 1 if age.high is not None else None)
    if low >= youngest and top is not None and top <= oldest:
        return True
    if (top is not None and top < youngest) or low > oldest:
        return False
    return None


def _judge(request: LoanRequest, b: Borrower, p: ProductFacts) -> Offer:
    fail: list[tuple] = []
    unknown: list[str] = []
    adjust: list[tuple] = []

    if b.occupation == Occupation.STUDENT and p.lender_kind != BANK:
        fail.append(("student_bank_only", {}))
    if p.category == BUSINESS_CATEGORY and request.purpose != BUSINESS_PURPOSE:
        fail.append(("business_use_only", {}))
    if p.occupations:
        if not b.occupation:
            unknown.append("tell_occupation")
        elif b.occupation not in p.occupations:
            fail.append(("occupation", {"occupation": b.occupation}))
    if p.cities:
        if not b.city:
            unknown.append("tell_city")
        elif b.city not in p.cities:
            fail.append(("city", {"city": b.city, "cities": p.cities}))

    if b.age is None:
        unknown.append("tell_age")
    else:
        verdict = _age_within(b.age, p.min_age, p.max_age)
        if verdict is False:
            fail.append(("age", {"min": p.min_age, "max": p.max_age}))
        elif verdict is None:
            unknown.append("tell_age_exactly")

    income = b.monthly_income
    if p.min_monthly_income is not None:
        verdict = None if income is None else _at_least(income, p.min_monthly_income)
        if verdict is False:
            fail.append(("income", {"min": p.min_monthly_income}))
        elif verdict is None:
            unknown.append("tell_income")
    if p.min_months_in_job is not None:
        if b.months_in_job is None:
            unknown.append("tell_months_in_job")
        elif b.months_in_job < p.min_months_in_job:
            fail.append(("months_in_job", {"min": p.min_months_in_job}))
    if p.social_insurance_required:
        if b.has_social_insurance is None:
            unknown.append("tell_social_insurance")
        elif not b.has_social_insurance:
            fail.append(("social_insurance", {}))
    if p.min_business_revenue is not None:
        if b.monthly_business_revenue is None:
            unknown.append("tell_revenue")
        elif b.monthly_business_revenue < p.min_business_revenue:
            fail.append(("revenue", {"min": p.min_business_revenue}))
    if p.min_years_trading is not None:
        if b.years_trading is None:
            unknown.append("tell_years_trading")
        elif b.years_trading < p.min_years_trading:
            fail.append(("years_trading", {"min": p.min_years_trading}))
    if p.max_debt_to_income_pct is not None:
        if b.monthly_debt_payments is None or income is None or not income.is_exact:
            unknown.append("tell_debt")
        elif b.monthly_debt_payments * 100 > p.max_debt_to_income_pct * income.low:
            fail.append(("debt_to_income", {"max": p.max_debt_to_income_pct}))

    # The offer: the request, clamped to the product's range and the borrower's means.
    amount = min(max(request.amount, p.min_amount), p.max_amount)
    if amount != request.amount:
        adjust.append(
            ("amount_range", {"min": p.min_amount, "max": p.max_amount, "amount": amount})
        )
    term = min(max(request.term_months, p.min_term), p.max_term)
    if term != request.term_months:
        adjust.append(("term_range", {"min": p.min_term, "max": p.max_term, "term": term}))
    for multiple, base, code in (
        (p.income_multiple, income.low if income else None, "income_limit"),
        (p.revenue_multiple, b.monthly_business_revenue, "revenue_limit"),
    ):
        if multiple is None:
            continue
        if base is None:
            unknown.append("tell_income" if code == "income_limit" else "tell_revenue")
            continue
        limit = (base * multiple).quantize(Decimal("1"))
        if limit < p.min_amount:
            fail.append(("means_below_minimum", {"limit": limit, "min": p.min_amount}))
        elif limit < amount:
            amount = limit
            adjust.append((code, {"limit": limit, "multiple": multiple}))

    status = INELIGIBLE if fail else UNDECIDED if unknown else ELIGIBLE
    return Offer(
        product=p,
        status=status,
        amount=amount,
        term_months=term,
        rank_apr=p.term_aprs[term - p.min_term],
        failures=fail,
        unknowns=list(dict.fromkeys(unknown)),  # each question once
        adjustments=adjust,
    )


def _explain(code: str, params: dict) -> str:
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
    "tell_occupation": _lazy("Tell us your occupation."),
    "tell_city": _lazy("Tell us your city."),
    "tell_age": _lazy("Tell us your age."),
    "tell_age_exactly": _lazy("Tell us your date of birth."),
    "tell_income": _lazy("Tell us your exact monthly income."),
    "tell_months_in_job": _lazy("Tell us how long you have been in your current job."),
    "tell_social_insurance": _lazy("Tell us whether you pay social insurance."),
    "tell_revenue": _lazy("Tell us your monthly business revenue."),
    "tell_years_trading": _lazy("Tell us how long your business has been trading."),
    "tell_debt": _lazy("Tell us your exact income and existing monthly debt payments."),
}
