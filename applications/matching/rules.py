"""Judging one product's rules for one borrower, and fitting the request to its range.

Each rule that fails is kept as a reason code, each we cannot decide as a question code;
``explain`` turns them into words, for the offers shown only.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from lenders.choices import Occupation

from ..bands import Band
from .types import (
    BANK,
    BUSINESS_CATEGORY,
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


def build_offer(request: LoanRequest, product: ProductFacts, verdict: Verdict) -> Offer:
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
    return Verdict(failures=fail, unknowns=unknown, status=status, means=means)


def _fit(
    request: LoanRequest, p: ProductFacts, verdict: Verdict, *, explain: bool = False
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
