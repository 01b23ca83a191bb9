"""Judging one product's rules for one borrower, and fitting the request to its range, the
borrower's means and what they can afford each month.

Each rule that fails is kept as a reason code, each we cannot decide as a question code;
``explain`` turns them into words, for the offers shown only.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from lenders import pricing
from lenders.choices import Occupation
from lenders.models import purposes_served

from ..bands import Band
from .types import (
    BANK,
    BUSINESS_PURPOSE,
    ELIGIBLE,
    INELIGIBLE,
    UNDECIDED,
    Borrower,
    LoanRequest,
    Offer,
    ProductFacts,
)


@dataclass(frozen=True)
class Verdict:
    """What a rule set says of a borrower, before any product's own range."""

    failures: list[tuple]
    unknowns: list[str]
    status: int  # before any product's range: ELIGIBLE, or UNDECIDED with unknowns
    # The borrower's means: (code, multiple, limit from the lowest income or revenue, the
    # highest before rounding (None if unbounded), whether the income is exact).
    means: list[tuple[str, Decimal, Decimal, Decimal | None, bool]]


@dataclass(frozen=True)
class Budget:
    """What a borrower can pay a month for a new loan: ``ratio`` percent of their monthly
    income, less the debt payments they declared (none declared: none counted).

    An exact income is judged as it is; a band at its top (if any value in the band can
    afford a payment, the top can), so a payment above the budget fails for the whole band.
    A band with no top is judged at its floor: a payment within it passes for the whole
    band, one above it asks for the exact income. No income at all asks for it.
    """

    cents: int | None  # None: no income told
    certain: bool  # whether a payment above ``cents`` fails (else it asks for the income)
    income: Decimal | None
    basis: str  # "exact", "band_top" or "band_floor"
    debt: Decimal
    ratio: Decimal


def budget_of(borrower: Borrower, *, ratio: Decimal) -> Budget:
    income = borrower.monthly_income
    debt = borrower.monthly_debt_payments or Decimal(0)
    if income is None:
        return Budget(cents=None, certain=False, income=None, basis="", debt=debt, ratio=ratio)
    if income.is_exact:
        basis, value, certain = "exact", income.low, True
    elif income.high is not None:
        basis, value, certain = "band_top", income.high, True
    else:
        basis, value, certain = "band_floor", income.low, False
    # ``ratio`` percent of ``value`` yuan, in cents: value × ratio.
    limit = int((value * ratio).to_integral_value(rounding=ROUND_FLOOR))
    cents = limit - int((debt * 100).to_integral_value(rounding=ROUND_CEILING))
    return Budget(cents=cents, certain=certain, income=value, basis=basis, debt=debt, ratio=ratio)


def payment_cents(amount_cents: int, per_yuan: float) -> int:
    """The largest installment of ``amount_cents``, from its term's payment per yuan (rounded
    up to the cent). ``ranking`` does the same sum in NumPy, to the same binary float."""
    return math.ceil(amount_cents * per_yuan)


def build_offer(
    request: LoanRequest, product: ProductFacts, verdict: Verdict, budget: Budget
) -> Offer:
    amount, term, failures, unknowns, notes, suggestions = _fit(request, product, verdict, budget)
    failures = [*verdict.failures, *failures]
    if any(code != "debt_service" for code, _params in failures):
        suggestions = ()  # another reason stands: a smaller or longer loan would not pass
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
        suggestions=list(suggestions),
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


def judge_rules(request: LoanRequest, b: Borrower, p: ProductFacts) -> Verdict:
    """Every rule of ``p``'s rule set that does not depend on the product's range."""
    fail: list[tuple] = []
    unknown: list[str] = []
    means: list[tuple] = []

    if p.lender_kind != BANK:
        if b.occupation == Occupation.STUDENT:
            fail.append(("student_bank_only", {}))
        elif not b.occupation:
            unknown.append("tell_occupation")  # a student may only borrow from a bank
    served = purposes_served(category=p.category, purposes=p.purposes)
    if request.purpose and request.purpose not in served:
        if served == {BUSINESS_PURPOSE}:
            fail.append(("business_use_only", {}))
        else:
            fail.append(("purpose", {"purpose": request.purpose, "served": served}))
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
    return Verdict(failures=fail, unknowns=unknown, status=status, means=means)


def _fit(request: LoanRequest, p: ProductFacts, verdict: Verdict, budget: Budget) -> tuple:
    """The request fitted to ``p``: below its minimum it fails (it is never raised to it);
    above its maximum it is lowered to it; then lowered to the borrower's means (a multiple
    of income or revenue, rounded down to the yuan; a band too wide to tell is a question);
    then its largest installment is checked against the budget, with what would pass.

    Returns (amount, term, failures, unknowns, notes, suggestions). ``ranking`` decides the
    same in NumPy for every product; this explains the offers shown.
    """
    failures: tuple = ()
    unknowns: tuple = ()
    notes: tuple = ()
    amount = request.amount
    below = amount < p.min_amount
    if below:
        amount = p.min_amount
        failures += (("below_minimum", {"min": p.min_amount, "asked": request.amount}),)
    elif amount > p.max_amount:
        amount = p.max_amount
    term = min(max(request.term_months, p.min_term), p.max_term)
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
    if request.amount > p.max_amount and not notes:
        notes = (("amount_range", {"min": p.min_amount, "max": p.max_amount, "amount": amount}),)
    if term != request.term_months:
        notes += (("term_range", {"min": p.min_term, "max": p.max_term, "term": term}),)
    suggestions: tuple = ()
    if budget.cents is None:
        unknowns += ("tell_income",)
    elif not below:
        payment = payment_cents(to_cents(amount), float(p.term_payments[term - p.min_term]))
        if payment > budget.cents and not budget.certain:
            unknowns += ("tell_income",)
        elif payment > budget.cents:
            level = _is_level(p)
            failures += (("debt_service", _service_params(budget, payment, level=level)),)
            suggestions = _suggest(p, amount=amount, term=term, budget=budget.cents, level=level)
    return amount, term, failures, unknowns, notes, suggestions


LEVEL_METHODS = {pricing.RepaymentMethod.EQUAL_INSTALLMENT, pricing.RepaymentMethod.FLAT_FEE}


def _is_level(p: ProductFacts) -> bool:
    """Whether every installment is (to the cent or so) the same: then it is "a month"."""
    return p.price.repayment_method in LEVEL_METHODS and not p.price.interest_free_periods


def _service_params(budget: Budget, payment: int, *, level: bool) -> dict:
    return {
        "payment": Decimal(payment) / 100,
        "level": level,
        "debt": budget.debt,
        "income": budget.income,
        "basis": budget.basis,
        "ratio": budget.ratio,
    }


def _suggest(p: ProductFacts, *, amount: Decimal, term: int, budget: int, level: bool) -> tuple:
    """What would pass within ``p``'s range: the same amount over the shortest longer term
    that is affordable, else the most it would lend over a longer term; and the most it
    would lend over this term."""
    if budget <= 0:
        return ()
    cents = to_cents(amount)
    per_yuan = {t: float(p.term_payments[t - p.min_term]) for t in range(term, p.max_term + 1)}
    for longer in range(term + 1, p.max_term + 1):
        payment = payment_cents(cents, per_yuan[longer])
        if payment <= budget:
            figures = {"amount": amount, "term": longer, "payment": Decimal(payment) / 100}
            return (("longer_term", {**figures, "level": level}),)
    suggestions: tuple = ()
    here = _most_affordable(p, per_yuan[term], below=cents, budget=budget)
    if here is not None:
        suggestions += (("smaller_amount", {"term": term, "level": level, **here}),)
    if term < p.max_term:
        longer = min(range(term + 1, p.max_term + 1), key=lambda t: (per_yuan[t], t))
        there = _most_affordable(p, per_yuan[longer], below=cents, budget=budget)
        if there is not None and (here is None or there["amount"] > here["amount"]):
            suggestions += (("smaller_amount", {"term": longer, "level": level, **there}),)
    return suggestions


def _most_affordable(p: ProductFacts, per_yuan: float, *, below: int, budget: int) -> dict | None:
    """The largest amount under ``below`` cents, in whole hundreds of yuan where the product
    allows (else whole yuan), whose largest installment fits ``budget``; None if under the
    product's minimum."""
    cents = min(int(budget / per_yuan), below - 1)
    while cents > 0 and payment_cents(cents, per_yuan) > budget:
        cents -= 1
    minimum = to_cents(p.min_amount)
    rounded = cents // 10_000 * 10_000
    cents = rounded if rounded >= minimum else cents // 100 * 100
    if cents < minimum:
        return None
    payment = Decimal(payment_cents(cents, per_yuan)) / 100
    return {"amount": Decimal(cents) / 100, "payment": payment}


def to_cents(value: Decimal) -> int:
    return int(value * 100)


def _floor(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_FLOOR)
