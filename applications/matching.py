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

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lenders import pricing
from lenders.choices import City, Occupation
from lenders.models import EligibilityRules
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
    apply_url: str = ""
    rule_id: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Products with the same rules (and lender kind and category) are judged once.
        rules = tuple(getattr(self, name) for name in RULE_FIELDS)
        object.__setattr__(self, "rule_id", _RULE_IDS.setdefault(rules, len(_RULE_IDS)))


RULE_FIELDS = ("lender_kind", "category", *EligibilityRules.FIELDS)
_RULE_IDS: dict[tuple, int] = {}


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
    quote: pricing.Quote | None = None

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


class Catalogue:
    """Products as arrays, so that one match judges thousands at once (NumPy).

    Built once per catalogue version (``selectors.matchable_products``); money is held
    in integer cents and APR in hundredths of a percent, so every comparison is exact.
    """

    def __init__(self, products: Sequence[ProductFacts]) -> None:
        self.products = list(products)
        groups: dict[int, int] = {}  # rule_id → group number
        self.representatives: list[int] = []  # a product of each group, judged for all
        for index, product in enumerate(self.products):
            if product.rule_id not in groups:
                groups[product.rule_id] = len(groups)
                self.representatives.append(index)
        self.group_of = np.array([groups[p.rule_id] for p in self.products], dtype=np.int64)
        self.min_cents = np.array([_cents(p.min_amount) for p in self.products], dtype=np.int64)
        self.max_cents = np.array([_cents(p.max_amount) for p in self.products], dtype=np.int64)
        self.min_term = np.array([p.min_term for p in self.products], dtype=np.int64)
        self.max_term = np.array([p.max_term for p in self.products], dtype=np.int64)
        self.approval = np.array([p.approval_minutes for p in self.products], dtype=np.int64)
        self.ids = np.array([p.id for p in self.products], dtype=np.int64)
        lengths = [len(p.term_aprs) for p in self.products]
        self.apr_offset = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        self.aprs = np.array(
            [int(apr * 100) for p in self.products for apr in p.term_aprs], dtype=np.int64
        )

    def __len__(self) -> int:
        return len(self.products)


def match(
    request: LoanRequest,
    borrower: Borrower,
    products: "Catalogue | Sequence[ProductFacts]",
    *,
    sort: str = "apr",
    offset: int = 0,
    limit: int = 20,
) -> MatchResult:
    """Every product judged for this borrower; the ranked page ``[offset, offset+limit)``
    is priced for exactly the amount and term each offer can give.

    Products share few distinct rule sets, so each set is judged once per match (in
    Python, ``_judge_rules``); fitting the request to every product's own range and the
    borrower's means, and ranking, run on arrays. Offers, with their reasons in words,
    are built for the page alone (``_offer``, by the same rules; a test holds them equal).
    """
    catalogue = products if isinstance(products, Catalogue) else Catalogue(products)
    items = catalogue.products
    if not items:
        return MatchResult(offers=[], eligible=0, undecided=0, ineligible=0)
    verdicts = [_judge_rules(request, borrower, items[i]) for i in catalogue.representatives]
    group_status = np.array([v.status for v in verdicts], dtype=np.int64)

    g = catalogue.group_of
    status = group_status[g]
    amount = np.clip(_cents(request.amount), catalogue.min_cents, catalogue.max_cents)
    failed = np.zeros(len(items), dtype=bool)
    unsure = np.zeros(len(items), dtype=bool)
    for position in range(max(len(v.means) for v in verdicts)):
        present, exact, low, high = (a[g] for a in _means_arrays(verdicts, position))
        exact &= present
        fails_exact = exact & (low < catalogue.min_cents)
        amount = np.where(exact & ~fails_exact & (low < amount), low, amount)
        banded = present & ~exact
        fails_band = banded & (high <= catalogue.min_cents)
        unsure |= banded & ~fails_band & (low < amount)
        failed |= fails_exact | fails_band
    status = np.where(
        failed, INELIGIBLE, np.where(unsure & (status == ELIGIBLE), UNDECIDED, status)
    )
    counts = np.bincount(status, minlength=3)

    term = np.clip(request.term_months, catalogue.min_term, catalogue.max_term)
    apr = catalogue.aprs[catalogue.apr_offset + term - catalogue.min_term]
    by = {
        "speed": (catalogue.ids, apr, catalogue.approval, status),
        "amount": (catalogue.ids, apr, -amount, status),
    }.get(sort, (catalogue.ids, catalogue.approval, apr, status))
    order = np.lexsort(by)[offset : offset + limit]
    page = [_offer(request, items[i], verdicts[g[i]]) for i in order.tolist()]
    for offer in page:
        if offer.status != INELIGIBLE:
            offer.quote = pricing.quote(
                offer.product.price, amount=offer.amount, term_months=offer.term_months
            )
    return MatchResult(
        offers=page,
        eligible=int(counts[ELIGIBLE]),
        undecided=int(counts[UNDECIDED]),
        ineligible=int(counts[INELIGIBLE]),
    )


def _means_arrays(verdicts: list, position: int) -> tuple[np.ndarray, ...]:
    """Per rule group, its ``position``-th means limit (in cents): whether there is one,
    whether it is exact, the limit from the lowest income or revenue, and the highest
    (unbounded: the largest int) above which a band's borrower could not reach."""
    unbounded = np.iinfo(np.int64).max
    rows = []
    for verdict in verdicts:
        if position < len(verdict.means):
            _code, _multiple, limit, top, is_exact = verdict.means[position]
            rows.append(
                (True, is_exact, _cents(limit), unbounded if top is None else _ceil_cents(top))
            )
        else:
            rows.append((False, False, 0, unbounded))
    present, exact, low, high = zip(*rows, strict=True)
    return (
        np.array(present, dtype=bool),
        np.array(exact, dtype=bool),
        np.array(low, dtype=np.int64),
        np.array(high, dtype=np.int64),
    )


def _cents(value: Decimal) -> int:
    return int(value * 100)


def _ceil_cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class _Verdict:
    """What a rule set says of a borrower, before any product's own range."""

    failures: list[tuple]
    unknowns: list[str]
    status: int  # before any product's range: ELIGIBLE, or UNDECIDED with unknowns
    # The borrower's means: (code, multiple, limit from the lowest income or revenue, the
    # highest before rounding (None if unbounded), whether the income is exact).
    means: list[tuple[str, Decimal, Decimal, Decimal | None, bool]]


def _offer(request: LoanRequest, product: ProductFacts, verdict: _Verdict) -> Offer:
    amount, term, failures, unknowns, notes = _fit(request, product, verdict, explain=True)
    failures = [*verdict.failures, *failures]
    unknowns = list(dict.fromkeys([*verdict.unknowns, *unknowns]))  # each question once
    status = INELIGIBLE if failures else UNDECIDED if unknowns else ELIGIBLE
    return Offer(
        product=product,
        status=status,
        amount=amount,
        term_months=term,
        rank_apr=product.term_aprs[term - product.min_term],
        failures=failures,
        unknowns=unknowns,
        adjustments=list(notes),
    )


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


def _judge_rules(request: LoanRequest, b: Borrower, p: ProductFacts) -> _Verdict:
    """Every rule of ``p``'s rule set that does not depend on the product's range."""
    fail: list[tuple] = []
    unknown: list[str] = []
    means: list[tuple] = []

    if p.lender_kind != BANK:
        if b.occupation == Occupation.STUDENT:
            fail.append(("student_bank_only", {}))
        elif not b.occupation:
            unknown.append("tell_occupation")  # a student may only borrow from a bank
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
    if p.income_multiple is not None:
        if income is None:
            unknown.append("tell_income")
        else:
            m = p.income_multiple
            high = None if income.high is None else income.high * m
            means.append(("income_limit", m, _floor(income.low * m), high, income.is_exact))
    if p.revenue_multiple is not None:
        if b.monthly_business_revenue is None:
            unknown.append("tell_revenue")
        else:
            limit = _floor(b.monthly_business_revenue * p.revenue_multiple)
            means.append(("revenue_limit", p.revenue_multiple, limit, limit, True))
    status = INELIGIBLE if fail else UNDECIDED if unknown else ELIGIBLE
    return _Verdict(failures=fail, unknowns=unknown, status=status, means=means)


def _fit(
    request: LoanRequest, p: ProductFacts, verdict: _Verdict, *, explain: bool = False
) -> tuple[Decimal, int, tuple, tuple, tuple]:
    """The request clamped to ``p``'s range and to the borrower's means (a multiple of
    income or revenue, rounded down to the yuan); a band too wide to tell is a question.

    Returns (amount, term, failures, unknowns, notes); notes only with ``explain``. This
    runs for every product of every match, so it allocates nothing unless it must.
    """
    amount = request.amount
    if amount < p.min_amount:
        amount = p.min_amount
    elif amount > p.max_amount:
        amount = p.max_amount
    term = request.term_months
    if term < p.min_term:
        term = p.min_term
    elif term > p.max_term:
        term = p.max_term
    failures: tuple = ()
    unknowns: tuple = ()
    notes: tuple = ()
    if not (verdict.means or explain):
        return amount, term, failures, unknowns, notes
    for code, multiple, low, high, exact in verdict.means:
        if exact:
            if low < p.min_amount:
                failures += (("means_below_minimum", {"limit": low, "min": p.min_amount}),)
            elif low < amount:
                amount = low
                notes += ((code, {"limit": low, "multiple": multiple}),)
        elif high is not None and high <= p.min_amount:
            failures += (("means_below_minimum", {"limit": _floor(high), "min": p.min_amount}),)
        elif low < amount:
            unknowns += ("tell_income",)
    if explain:
        if amount != request.amount and not notes:
            notes = (
                ("amount_range", {"min": p.min_amount, "max": p.max_amount, "amount": amount}),
            )
        if term != request.term_months:
            notes += (("term_range", {"min": p.min_term, "max": p.max_term, "term": term}),)
    return amount, term, failures, unknowns, notes


def _floor(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_FLOOR)


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
