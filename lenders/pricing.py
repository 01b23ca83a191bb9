"""The pricing engine: a lender's quoted price → the borrower's schedule, APR and EAR.

Pure money maths, no database. Every price any page, API or later feature shows comes
from ``build_schedule``. The conventions are DESIGN.md's "Pricing conventions":
money is Decimal, each component rounded half-up to the cent; rates are in percent.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
import math
from dataclasses import asdict, dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


class RateUnit(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"
    ANNUAL = "annual"


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"
    EQUAL_PRINCIPAL = "equal_principal"
    INTEREST_ONLY = "interest_only"
    BULLET = "bullet"
    FLAT_FEE = "flat_fee"


@dataclass(frozen=True)
class QuotedPrice:
    """A product's price as the lender quotes it (percentages in percent)."""

    rate_value: Decimal
    rate_unit: RateUnit
    repayment_method: RepaymentMethod
    upfront_fee_pct: Decimal = ZERO
    monthly_fee_pct: Decimal = ZERO
    interest_free_periods: int = 0

    @property
    def periodic_rate(self) -> Decimal:
        """The monthly rate as a fraction (not percent), unrounded."""
        value = Decimal(self.rate_value) / HUNDRED
        if self.rate_unit == RateUnit.DAILY:
            return value * 365 / 12
        if self.rate_unit == RateUnit.ANNUAL:
            return value / 12
        return value


@dataclass(frozen=True)
class Installment:
    n: int
    due: datetime.date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    payment: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Schedule:
    price: QuotedPrice
    amount: Decimal
    term_months: int
    start: datetime.date
    upfront_fee: Decimal
    installments: tuple[Installment, ...]
    apr: Decimal
    ear: Decimal

    @property
    def total_interest(self) -> Decimal:
        return sum((i.interest for i in self.installments), ZERO)

    @property
    def total_fees(self) -> Decimal:
        return self.upfront_fee + sum((i.fee for i in self.installments), ZERO)

    @property
    def total_repayment(self) -> Decimal:
        return sum((i.payment for i in self.installments), ZERO)

    @property
    def first_payment(self) -> Decimal:
        return self.installments[0].payment

    @property
    def payments(self) -> tuple[Decimal, ...]:
        return tuple(i.payment for i in self.installments)

    @property
    def payment_summary(self) -> PaymentSummary:
        return summarise_payments(self.payments)

    @property
    def net_disbursed(self) -> Decimal:
        return self.amount - self.upfront_fee

    @property
    def monthly_service_fee(self) -> Decimal:
        """The guarantee or service fee in each installment (on the original amount)."""
        return money(self.amount * self.price.monthly_fee_pct / HUNDRED)

    @property
    def flat_monthly_fee(self) -> Decimal:
        """For a flat-fee loan, its monthly fee on the original amount (else 0)."""
        if self.price.repayment_method != RepaymentMethod.FLAT_FEE:
            return ZERO
        return money(self.amount * self.price.periodic_rate)

    @property
    def total_cost(self) -> Decimal:
        """What the loan costs beyond the principal: interest and every fee."""
        return self.total_interest + self.total_fees

    def as_dict(self) -> dict:
        """The schedule.json contract: money and percentages as strings."""
        price = self.price
        return {
            "amount": str(self.amount),
            "term_months": self.term_months,
            "start": self.start.isoformat(),
            "repayment_method": str(price.repayment_method),
            "rate": {"value": str(price.rate_value), "unit": str(price.rate_unit)},
            "upfront_fee_pct": str(price.upfront_fee_pct),
            "monthly_fee_pct": str(price.monthly_fee_pct),
            "interest_free_periods": price.interest_free_periods,
            "apr": str(self.apr),
            "ear": str(self.ear),
            "total_interest": str(self.total_interest),
            "total_fees": str(self.total_fees),
            "total_repayment": str(self.total_repayment),
            "installments": [
                {
                    "n": i.n,
                    "due": i.due.isoformat(),
                    "principal": str(i.principal),
                    "interest": str(i.interest),
                    "fee": str(i.fee),
                    "payment": str(i.payment),
                    "balance": str(i.balance),
                }
                for i in self.installments
            ],
        }


def money(value: Decimal) -> Decimal:
    """Round one money component half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day of month ``months`` later, clamped to the month's end."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = 29 if month == 2 and calendar.isleap(year) else calendar.mdays[month]
    return datetime.date(year, month, min(start.day, last_day))


def _rows(price: QuotedPrice, amount: Decimal, n: int) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(principal, interest, fee) per period, before interest-free waivers."""
    r = price.periodic_rate
    method = price.repayment_method
    period_fee = money(amount * price.monthly_fee_pct / HUNDRED)
    rows: list[tuple[Decimal, Decimal, Decimal]] = []
    if method == RepaymentMethod.BULLET:
        bullet_fee = money(amount * price.monthly_fee_pct / HUNDRED * n)
        return [(amount, money(amount * r * n), bullet_fee)]
    if method == RepaymentMethod.EQUAL_INSTALLMENT:
        if r == 0:
            level = money(amount / n)
        else:
            growth = (1 + r) ** n
            level = money(amount * r * growth / (growth - 1))
        balance = amount
        for i in range(1, n + 1):
            interest = money(balance * r)
            principal = balance if i == n else min(level - interest, balance)
            rows.append((principal, interest, period_fee))
            balance -= principal
        return rows
    # equal_principal, interest_only and flat_fee repay principal on a fixed plan.
    if method == RepaymentMethod.INTEREST_ONLY:
        plan = [ZERO] * (n - 1) + [amount]
    else:
        part = money(amount / n)
        plan = [part] * (n - 1) + [amount - part * (n - 1)]
    balance = amount
    for principal in plan:
        if method == RepaymentMethod.FLAT_FEE:
            rows.append((principal, ZERO, period_fee + money(amount * r)))
        elif method == RepaymentMethod.INTEREST_ONLY:
            rows.append((principal, money(amount * r), period_fee))
        else:
            rows.append((principal, money(balance * r), period_fee))
        balance -= principal
    return rows


def _waive(price: QuotedPrice, amount: Decimal, n: int, rows: list) -> list:
    """Apply the interest-free periods: interest (or the flat rate fee) of the first k."""
    k = price.interest_free_periods
    if not k:
        return rows
    method = price.repayment_method
    if method == RepaymentMethod.BULLET:
        principal, _interest, fee = rows[0]
        return [(principal, money(amount * price.periodic_rate * max(n - k, 0)), fee)]
    if method == RepaymentMethod.FLAT_FEE:
        rate_fee = money(amount * price.periodic_rate)
        return [(p, i, f - rate_fee if index < k else f) for index, (p, i, f) in enumerate(rows)]
    return [(p, ZERO if index < k else i, f) for index, (p, i, f) in enumerate(rows)]


@dataclass(frozen=True)
class Quote:
    """A loan's cost in brief, for lists of offers: the same figures a full schedule
    gives, without the dated installments (their payments, in order, only)."""

    amount: Decimal
    term_months: int
    upfront_fee: Decimal
    first_payment: Decimal
    total_interest: Decimal
    total_fees: Decimal
    total_repayment: Decimal
    apr: Decimal
    ear: Decimal
    payments: tuple[Decimal, ...] = ()

    @property
    def payment_summary(self) -> PaymentSummary:
        return summarise_payments(self.payments)

    @property
    def net_disbursed(self) -> Decimal:
        return self.amount - self.upfront_fee


class PaymentShape(StrEnum):
    """How a loan's installments run, as a borrower would say it."""

    LEVEL = "level"  # ``regular`` every month (the last may differ by the rounding)
    FALLING = "falling"  # ``regular`` first, falling every month to ``final``
    BALLOON = "balloon"  # ``regular`` a month, then ``final`` at the end
    SINGLE = "single"  # one payment, ``final``, at the end


@dataclass(frozen=True)
class PaymentSummary:
    """A schedule's payments in brief, true to the largest of them.

    An introductory run (the interest-free months) comes first when it differs from what
    follows: ``intro_months`` payments from ``intro_first`` to ``intro_last``; then the
    ``shape`` with its ``regular`` and ``final`` payments.
    """

    shape: PaymentShape
    regular: Decimal
    final: Decimal
    intro_months: int = 0
    intro_first: Decimal = ZERO
    intro_last: Decimal = ZERO
    largest: Decimal = ZERO

    @property
    def is_level(self) -> bool:
        """The same payment every month (to the cent, the last aside): a monthly payment."""
        return self.shape == PaymentShape.LEVEL and not self.intro_months


def summarise_payments(payments: tuple[Decimal, ...] | list[Decimal]) -> PaymentSummary:
    """The shape of ``payments`` (in order) in as few figures as tell the truth.

    Level means every payment but the last is the same to the cent, and the last is within
    a cent a month of it (what rounding each month to the cent can move it by). Anything
    else names its largest payment: a balloon's last, a falling plan's first, an intro's.
    """
    if not payments:
        raise ValueError("a schedule has at least one payment")
    payments = tuple(payments)
    largest = max(payments)
    if len(payments) == 1:
        return PaymentSummary(
            shape=PaymentShape.SINGLE, regular=payments[0], final=payments[0], largest=largest
        )
    for start in range(len(payments) - 1):
        shape = _shape(payments[start:])
        if shape is not None:
            intro = payments[:start]
            return PaymentSummary(
                shape=shape,
                regular=payments[start],
                final=payments[-1],
                intro_months=len(intro),
                intro_first=intro[0] if intro else ZERO,
                intro_last=intro[-1] if intro else ZERO,
                largest=largest,
            )
    raise AssertionError("two payments always have a shape")  # pragma: no cover


def _shape(payments: tuple[Decimal, ...]) -> PaymentShape | None:
    """The shape of two or more payments, or ``None`` when they have none of ours."""
    *body, last = payments
    tolerance = CENT * len(payments)
    if all(p == body[0] for p in body):
        return PaymentShape.LEVEL if abs(last - body[0]) <= tolerance else PaymentShape.BALLOON
    falling = all(a >= b for a, b in itertools.pairwise(body))
    if falling and last <= body[-1] + tolerance and payments[0] > last:
        return PaymentShape.FALLING
    return None


def _price(price: QuotedPrice, amount: Decimal, n: int) -> tuple:
    """The priced rows (principal, interest, fee), their months, the upfront fee and the
    monthly IRR: everything ``quote`` and ``build_schedule`` show comes from here."""
    if amount <= 0 or n < 1:
        raise ValueError("amount must be positive and the term at least one month")
    rows = _waive(price, amount, n, _rows(price, amount, n))
    months = [n] if price.repayment_method == RepaymentMethod.BULLET else range(1, n + 1)
    upfront_fee = money(amount * price.upfront_fee_pct / HUNDRED)
    flows = [(0, amount - upfront_fee)]
    flows += [(month, -(p + i + f)) for month, (p, i, f) in zip(months, rows, strict=True)]
    # A rate, not money: the quoted monthly rate only seeds the IRR search (see monthly_irr).
    irr = monthly_irr(flows, guess=float(price.periodic_rate) or 0.01)
    return rows, months, upfront_fee, irr


def quote(price: QuotedPrice, *, amount: Decimal, term_months: int) -> Quote:
    """What ``amount`` over ``term_months`` costs: the figures of its full schedule."""
    amount = money(Decimal(amount))
    rows, _months, upfront_fee, irr = _price(price, amount, term_months)
    first = rows[0]
    return Quote(
        amount=amount,
        term_months=term_months,
        upfront_fee=upfront_fee,
        first_payment=first[0] + first[1] + first[2],
        total_interest=sum((i for _p, i, _f in rows), ZERO),
        total_fees=upfront_fee + sum((f for _p, _i, f in rows), ZERO),
        total_repayment=sum((p + i + f for p, i, f in rows), ZERO),
        apr=_percent(irr * 12),
        ear=_percent((1 + irr) ** 12 - 1),
        payments=tuple(p + i + f for p, i, f in rows),
    )


def build_schedule(
    price: QuotedPrice, *, amount: Decimal, term_months: int, start: datetime.date
) -> Schedule:
    """The full repayment schedule of ``amount`` over ``term_months`` from ``start``."""
    amount = money(Decimal(amount))
    rows, months, upfront_fee, irr = _price(price, amount, term_months)
    installments = []
    balance = amount
    for index, (month, (principal, interest, fee)) in enumerate(zip(months, rows, strict=True)):
        balance -= principal
        installments.append(
            Installment(
                n=index + 1,
                due=add_months(start, month),
                principal=principal,
                interest=interest,
                fee=fee,
                payment=principal + interest + fee,
                balance=balance,
            )
        )
    return Schedule(
        price=price,
        amount=amount,
        term_months=term_months,
        start=start,
        upfront_fee=upfront_fee,
        installments=tuple(installments),
        apr=_percent(irr * 12),
        ear=_percent((1 + irr) ** 12 - 1),
    )


RATE_STEP = Decimal("0.000001")  # of a rate found for an APR, in percent
MAX_RATE_SEARCHED = Decimal("1000")


def price_at_apr(
    price: QuotedPrice, *, amount: Decimal, term_months: int, apr: Decimal
) -> QuotedPrice | None:
    """``price`` at another rate, in its own unit and repayment method with its fees and
    interest-free months unchanged, whose APR for ``amount`` over ``term_months`` is ``apr``.

    ``price`` itself when its APR there is already ``apr``. Otherwise the rate is searched
    to ``RATE_STEP``; where the cent rounding of payments makes ``apr`` itself unreachable
    (tiny amounts), the lowest rate whose APR is above it: a disclosure never shows less
    than the loan costs. ``None`` when no rate reaches it (the fees alone cost more).
    """

    def apr_at(rate: Decimal) -> Decimal:
        at_rate = replace(price, rate_value=rate)
        return quote(at_rate, amount=amount, term_months=term_months).apr

    if apr_at(Decimal(price.rate_value)) == apr:
        return price
    low = ZERO
    if apr_at(low) >= apr:
        return replace(price, rate_value=low) if apr_at(low) == apr else None
    high = max(Decimal(price.rate_value), Decimal(1))
    while apr_at(high) < apr:
        high *= 2
        if high > MAX_RATE_SEARCHED:
            return None
    # apr_at(low) < apr <= apr_at(high)
    while high - low > RATE_STEP:
        mid = ((low + high) / 2).quantize(RATE_STEP)
        if mid in (low, high):
            break
        found = apr_at(mid)
        if found == apr:
            return replace(price, rate_value=mid)
        if found < apr:
            low = mid
        else:
            high = mid
    return replace(price, rate_value=high)


def price_as_dict(price: QuotedPrice) -> dict:
    """A price as JSON can keep it (numbers as strings)."""
    return {
        name: value if isinstance(value, int) else str(value)
        for name, value in asdict(price).items()
    }


def price_from_dict(data: dict) -> QuotedPrice:
    return QuotedPrice(
        rate_value=Decimal(data["rate_value"]),
        rate_unit=RateUnit(data["rate_unit"]),
        repayment_method=RepaymentMethod(data["repayment_method"]),
        upfront_fee_pct=Decimal(data["upfront_fee_pct"]),
        monthly_fee_pct=Decimal(data["monthly_fee_pct"]),
        interest_free_periods=int(data["interest_free_periods"]),
    )


def _percent(fraction: float) -> Decimal:
    value = (Decimal(repr(fraction)) * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    # A zero-cost loan's float IRR can land a hair below 0; show "0.00", never "-0.00".
    return value if value else ZERO


def monthly_irr(flows: list[tuple[int, Decimal]], *, guess: float = 0.01) -> float:
    """The monthly internal rate of return of (month, amount) cash flows.

    A rate is not money, so it is solved in binary floating point (Newton's method,
    falling back to bisection), precise to far below the 0.01 % that APR shows. A
    borrower never repays less than they received, so the rate is searched in
    (-50 %, 100,000 %) a month, which also keeps every power within float range.
    """
    cash = [(t, float(v)) for t, v in flows]

    def npv(rate: float) -> float:
        return sum(v * (1 + rate) ** -t for t, v in cash)

    rate = guess  # the quoted periodic rate is close: fees only add to it
    for _ in range(50):
        base = 1.0 + rate
        value = slope = 0.0
        for t, v in cash:  # the value and its derivative in one pass
            discounted = v * base**-t
            value += discounted
            slope -= t * discounted
        slope /= base
        if slope == 0 or not math.isfinite(value):
            break
        step = value / slope
        rate -= step
        if not -0.5 < rate < 1000:
            break
        if abs(step) < 1e-13:
            return rate
    low, high = -0.5, 1000.0
    for _ in range(200):
        mid = (low + high) / 2
        if npv(mid) > 0:
            high = mid
        else:
            low = mid
    return (low + high) / 2
