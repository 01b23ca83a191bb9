"""The pricing engine against DESIGN.md's "Pricing conventions".

Fixed examples pin the worked examples and hand-computed schedules (10,000 over
12 months unless said); property tests hold the invariants for every method.
"""

import calendar
import dataclasses
import datetime
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lenders.pricing import (
    QuotedPrice,
    RateUnit,
    RepaymentMethod,
    Schedule,
    build_schedule,
    monthly_irr,
)

CENT = Decimal("0.01")
START = datetime.date(2026, 1, 15)
PROPERTY = settings(max_examples=150, deadline=None)


def price(method, rate="0", unit="monthly", *, upfront="0", monthly_fee="0", free=0):
    return QuotedPrice(
        rate_value=Decimal(rate),
        rate_unit=RateUnit(unit),
        repayment_method=RepaymentMethod(method),
        upfront_fee_pct=Decimal(upfront),
        monthly_fee_pct=Decimal(monthly_fee),
        interest_free_periods=free,
    )


def schedule(method, rate="0", unit="monthly", *, amount="10000.00", term=12, start=START, **fees):
    return build_schedule(
        price(method, rate, unit, **fees), amount=Decimal(amount), term_months=term, start=start
    )


def column(sched: Schedule, name: str) -> list[Decimal]:
    return [getattr(inst, name) for inst in sched.installments]


def months_after(start: datetime.date, due: datetime.date) -> int:
    return (due.year - start.year) * 12 + due.month - start.month


def unrounded_irr(sched: Schedule) -> float:
    flows = [(0, sched.net_disbursed)] + [
        (months_after(sched.start, inst.due), -inst.payment) for inst in sched.installments
    ]
    return monthly_irr(flows)


# --- DESIGN.md's worked examples -------------------------------------------------------


def test_a_flat_fee_of_0_6_pct_a_month_has_an_apr_of_13_03():
    """Given a flat fee of 0.6 % a month, when scheduled, then the APR is 13.03 %, not 7.2 %."""
    assert schedule("flat_fee", "0.6").apr == Decimal("13.03")


def test_0_03_pct_a_day_on_equal_installments_has_an_apr_of_10_95():
    """Given 0.03 % a day on equal installments, when scheduled, then the APR is 10.95 %."""
    assert schedule("equal_installment", "0.03", "daily").apr == Decimal("10.95")


def test_7_2_pct_a_year_plus_a_0_5_pct_monthly_fee_has_an_apr_of_17_87():
    """Given 7.2 % a year, equal installments and a 0.5 % monthly fee, then the APR is 17.87 %."""
    sched = schedule("equal_installment", "7.2", "annual", monthly_fee="0.5")
    assert sched.apr == Decimal("17.87")


def test_the_flat_fee_worked_example_charges_60_a_month_and_no_interest():
    """Given the 0.6 % flat fee, then each period costs 60.00 fee, no interest; 10,720 in all."""
    sched = schedule("flat_fee", "0.6")
    assert set(column(sched, "fee")) == {Decimal("60.00")}
    assert sched.total_interest == Decimal("0.00")
    assert (sched.first_payment, sched.installments[-1].payment) == (
        Decimal("893.33"),
        Decimal("893.37"),
    )
    assert (sched.total_fees, sched.total_repayment) == (Decimal("720.00"), Decimal("10720.00"))


def test_the_daily_rate_worked_example_pays_883_58_a_month():
    """Given 0.03 % a day (r = 0.9125 %), then A = 883.58, interest 91.25, the last 883.61."""
    sched = schedule("equal_installment", "0.03", "daily")
    first, last = sched.installments[0], sched.installments[-1]
    assert (first.interest, first.principal, first.payment) == (
        Decimal("91.25"),
        Decimal("792.33"),
        Decimal("883.58"),
    )
    assert (last.principal, last.interest, last.payment) == (
        Decimal("875.62"),
        Decimal("7.99"),
        Decimal("883.61"),
    )
    assert sched.total_interest == Decimal("602.99")
    assert sched.total_repayment == Decimal("10602.99")


def test_the_guarantee_fee_worked_example_adds_50_to_every_installment():
    """Given 7.2 % a year plus 0.5 % a month, then every installment is 866.19 + 50.00 fee."""
    sched = schedule("equal_installment", "7.2", "annual", monthly_fee="0.5")
    assert set(column(sched, "fee")) == {Decimal("50.00")}
    assert set(column(sched, "payment")) == {Decimal("916.19")}
    assert sched.installments[0].interest == Decimal("60.00")
    assert sched.total_interest == Decimal("394.28")
    assert sched.total_fees == Decimal("600.00")
    assert sched.total_repayment == Decimal("10994.28")


# --- Each repayment method, by hand at 1 % a month -------------------------------------


def test_equal_installments_pay_a_level_amount_rounded_to_the_cent_first():
    """Given 1 % a month, then A = 888.49, interest = balance × r, the last pays the rest."""
    sched = schedule("equal_installment", "1")
    first, second, last = sched.installments[0], sched.installments[1], sched.installments[-1]
    assert (first.interest, first.principal, first.balance) == (
        Decimal("100.00"),
        Decimal("788.49"),
        Decimal("9211.51"),
    )
    assert (second.interest, second.principal) == (Decimal("92.12"), Decimal("796.37"))
    assert set(column(sched, "payment")[:-1]) == {Decimal("888.49")}
    assert (last.principal, last.interest, last.payment) == (
        Decimal("879.67"),
        Decimal("8.80"),
        Decimal("888.47"),
    )
    assert sched.total_interest == Decimal("661.86")
    assert sched.apr == Decimal("12.00")


def test_equal_principal_repays_p_over_n_and_the_last_takes_the_remainder():
    """Given 1 % a month, then principal is 833.33 (last 833.37), interest on the balance."""
    sched = schedule("equal_principal", "1")
    assert column(sched, "principal") == [Decimal("833.33")] * 11 + [Decimal("833.37")]
    assert column(sched, "interest")[:3] == [Decimal("100.00"), Decimal("91.67"), Decimal("83.33")]
    assert (sched.first_payment, sched.installments[-1].payment) == (
        Decimal("933.33"),
        Decimal("841.70"),
    )
    assert sched.total_interest == Decimal("650.00")
    assert sched.total_repayment == Decimal("10650.00")


def test_interest_only_pays_p_times_r_each_period_and_all_principal_at_the_end():
    """Given 1 % a month interest only, then 100.00 a month and 10,100.00 in the last."""
    sched = schedule("interest_only", "1")
    assert set(column(sched, "interest")) == {Decimal("100.00")}
    assert column(sched, "principal") == [Decimal("0.00")] * 11 + [Decimal("10000.00")]
    assert column(sched, "balance")[:-1] == [Decimal("10000.00")] * 11
    assert sched.installments[-1].payment == Decimal("10100.00")
    assert sched.total_repayment == Decimal("11200.00")


def test_a_bullet_loan_is_one_installment_of_principal_plus_p_r_n_at_month_n():
    """Given a 1 % a month bullet, then one installment at month 12: 10,000 + 1,200 interest."""
    sched = schedule("bullet", "1")
    (only,) = sched.installments
    assert (only.n, only.due) == (1, datetime.date(2027, 1, 15))
    assert (only.principal, only.interest, only.payment, only.balance) == (
        Decimal("10000.00"),
        Decimal("1200.00"),
        Decimal("11200.00"),
        Decimal("0.00"),
    )
    assert sched.apr == Decimal("11.39")  # 12 × (1.12^(1/12) − 1)
    assert sched.ear == Decimal("12.00")


def test_a_flat_fee_is_a_fee_on_the_original_principal_and_its_interest_is_zero():
    """Given a 1 % flat fee on 1,234.57 over 5 months, then 12.35 fee each and principal 246.91."""
    sched = schedule("flat_fee", "1", amount="1234.57", term=5)
    assert set(column(sched, "fee")) == {Decimal("12.35")}
    assert set(column(sched, "interest")) == {Decimal("0.00")}
    assert column(sched, "principal") == [Decimal("246.91")] * 4 + [Decimal("246.93")]


# --- Fees --------------------------------------------------------------------------------


def test_an_upfront_fee_is_in_total_fees_but_in_no_installment():
    """Given a 2 % upfront fee, then total_fees is 200.00 and the installments are unchanged."""
    with_fee = schedule("equal_installment", "1", upfront="2")
    without = schedule("equal_installment", "1")
    assert with_fee.upfront_fee == Decimal("200.00")
    assert with_fee.total_fees == Decimal("200.00")
    assert with_fee.installments == without.installments
    assert with_fee.total_repayment == without.total_repayment


def test_an_upfront_fee_nets_the_borrower_less_so_the_apr_rises():
    """Given a 2 % upfront fee on 1 % a month, then 9,800 is netted and the APR rises to 15.85."""
    sched = schedule("equal_installment", "1", upfront="2")
    assert sched.net_disbursed == Decimal("9800.00")
    assert (sched.apr, sched.ear) == (Decimal("15.85"), Decimal("17.06"))


def test_a_monthly_fee_is_p_times_pct_rounded_on_its_own_in_every_installment():
    """Given a 0.35 % monthly fee on 1,234.57, then every installment has a fee of 4.32."""
    sched = schedule("equal_principal", "1", amount="1234.57", term=6, monthly_fee="0.35")
    assert set(column(sched, "fee")) == {Decimal("4.32")}
    assert sched.total_fees == Decimal("25.92")


def test_a_bullet_monthly_fee_is_p_times_pct_times_n_in_its_one_installment():
    """Given a bullet with a 0.5 % monthly fee, then its one installment carries 600.00 of fee."""
    sched = schedule("bullet", "1", monthly_fee="0.5")
    (only,) = sched.installments
    assert only.fee == Decimal("600.00")
    assert only.payment == Decimal("11800.00")


def test_a_bullet_monthly_fee_is_rounded_once_over_the_whole_term():
    """Given 0.35 % a month on 1,234.57 over 12, then the bullet fee is 51.85, not 12 × 4.32."""
    sched = schedule("bullet", "0", amount="1234.57", monthly_fee="0.35")
    assert sched.installments[0].fee == Decimal("51.85")


# --- Interest-free periods -----------------------------------------------------------------


def test_interest_free_periods_waive_interest_but_keep_principal():
    """Given equal principal with 2 free periods, then interest is 0, 0, 83.33…, principal same."""
    sched = schedule("equal_principal", "1", free=2)
    assert column(sched, "interest")[:3] == [Decimal("0.00"), Decimal("0.00"), Decimal("83.33")]
    assert column(sched, "principal") == column(schedule("equal_principal", "1"), "principal")
    assert sched.total_interest == Decimal("458.33")


def test_a_free_first_period_on_equal_installments_pays_only_its_principal():
    """Given equal installments with 1 free period, then the first payment is just 788.49."""
    sched = schedule("equal_installment", "1", free=1)
    first, second = sched.installments[0], sched.installments[1]
    assert (first.principal, first.interest, first.payment) == (
        Decimal("788.49"),
        Decimal("0.00"),
        Decimal("788.49"),
    )
    assert (second.principal, second.interest) == (Decimal("796.37"), Decimal("92.12"))


def test_interest_only_with_all_but_one_period_free_charges_only_the_last_interest():
    """Given interest only with 11 of 12 periods free, then only the last 100.00 is due."""
    sched = schedule("interest_only", "1", free=11)
    assert column(sched, "interest") == [Decimal("0.00")] * 11 + [Decimal("100.00")]
    assert sched.total_repayment == Decimal("10100.00")


def test_free_periods_on_a_flat_fee_waive_the_rate_fee_but_never_the_monthly_fee():
    """Given 0.6 % flat, 0.5 % monthly fee and 3 free periods, then fees are 50 ×3, then 110."""
    sched = schedule("flat_fee", "0.6", monthly_fee="0.5", free=3)
    assert column(sched, "fee") == [Decimal("50.00")] * 3 + [Decimal("110.00")] * 9
    assert sched.total_fees == Decimal("1140.00")
    assert sched.total_interest == Decimal("0.00")


def test_a_bullet_with_free_periods_charges_interest_for_the_rest_only():
    """Given a 1 % bullet with 3 free periods and a 0.5 % fee, then interest 900.00, fee 600.00."""
    (only,) = schedule("bullet", "1", monthly_fee="0.5", free=3).installments
    assert (only.interest, only.fee, only.principal) == (
        Decimal("900.00"),
        Decimal("600.00"),
        Decimal("10000.00"),
    )


def test_the_monthly_fee_is_never_waived_by_interest_free_periods():
    """Given equal installments with a 0.5 % monthly fee and 2 free periods, then each fee is 50."""
    sched = schedule("equal_installment", "1", monthly_fee="0.5", free=2)
    assert set(column(sched, "fee")) == {Decimal("50.00")}
    assert sched.installments[0].payment == Decimal("838.49")


# --- A zero rate ---------------------------------------------------------------------------


def test_equal_installments_at_zero_rate_repay_p_over_n():
    """Given r = 0, then each installment is P / n (833.33) and the last takes the rest (833.37)."""
    sched = schedule("equal_installment", "0")
    assert column(sched, "payment") == [Decimal("833.33")] * 11 + [Decimal("833.37")]
    assert sched.total_interest == Decimal("0.00")


@pytest.mark.parametrize("method", list(RepaymentMethod))
@pytest.mark.parametrize(("amount", "term"), [("10000.00", 12), ("10000.01", 1), ("777.77", 7)])
def test_a_zero_cost_loan_shows_an_apr_and_ear_of_exactly_0_00(method, amount, term):
    """Given r = 0 and no fees, then APR and EAR read "0.00", never "-0.00"."""
    sched = schedule(method, "0", amount=amount, term=term)
    assert sched.total_repayment == Decimal(amount)
    assert (str(sched.apr), str(sched.ear)) == ("0.00", "0.00")


# --- Due dates -----------------------------------------------------------------------------


def test_installment_i_falls_due_i_months_after_the_start():
    """Given a start of 15 Jan 2026, then installment i is due on the 15th, i months later."""
    dues = column(schedule("equal_principal", "1"), "due")
    assert dues == [datetime.date(2026 + (m - 1) // 12, (m - 1) % 12 + 1, 15) for m in range(2, 14)]


def test_a_31_january_start_clamps_to_28_february_then_returns_to_31_march():
    """Given a start of 31 Jan 2025, then dues are 28 Feb, 31 Mar, 30 Apr."""
    dues = column(schedule("equal_principal", "1", term=3, start=datetime.date(2025, 1, 31)), "due")
    assert dues == [
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 4, 30),
    ]


def test_a_31_january_start_in_a_leap_year_clamps_to_29_february():
    """Given a start of 31 Jan 2024, then dues are 29 Feb and 31 Mar."""
    dues = column(
        schedule("equal_installment", "1", term=2, start=datetime.date(2024, 1, 31)), "due"
    )
    assert dues == [datetime.date(2024, 2, 29), datetime.date(2024, 3, 31)]


def test_due_dates_roll_over_the_year_end():
    """Given a start of 30 Nov 2025, then dues are 30 Dec, 30 Jan and 28 Feb."""
    dues = column(schedule("flat_fee", "1", term=3, start=datetime.date(2025, 11, 30)), "due")
    assert dues == [
        datetime.date(2025, 12, 30),
        datetime.date(2026, 1, 30),
        datetime.date(2026, 2, 28),
    ]


def test_a_bullet_falls_due_n_months_after_the_start_clamped_to_the_month_end():
    """Given a bullet from 31 Jan 2023 over 13 months, then it is due on 29 Feb 2024."""
    sched = schedule("bullet", "1", term=13, start=datetime.date(2023, 1, 31))
    assert column(sched, "due") == [datetime.date(2024, 2, 29)]


@pytest.mark.parametrize(("amount", "term"), [("0", 12), ("-1", 12), ("1000", 0)])
def test_a_non_positive_amount_or_a_term_under_a_month_is_refused(amount, term):
    """Given a zero or negative amount, or a zero term, when scheduled, then ValueError."""
    with pytest.raises(ValueError, match="amount must be positive"):
        schedule("equal_installment", "1", amount=amount, term=term)


# --- Properties ----------------------------------------------------------------------------

RATE_CAPS = {
    RateUnit.DAILY: Decimal("0.1"),
    RateUnit.MONTHLY: Decimal("3"),
    RateUnit.ANNUAL: Decimal("36"),
}
amounts = st.integers(50_000, 30_000_000).map(lambda cents: Decimal(cents).scaleb(-2))
terms = st.integers(1, 60)
fee_pcts = st.decimals(min_value=0, max_value=3, places=2)
starts = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))


@st.composite
def rates(draw):
    unit = draw(st.sampled_from(RateUnit))
    return draw(st.decimals(min_value=0, max_value=RATE_CAPS[unit], places=4)), unit


@st.composite
def loans(draw, *, methods=tuple(RepaymentMethod), fees=True, free_periods=True):
    """(QuotedPrice, build_schedule keyword arguments) for a realistic product and loan."""
    rate, unit = draw(rates())
    term = draw(terms)
    quoted = QuotedPrice(
        rate_value=rate,
        rate_unit=unit,
        repayment_method=draw(st.sampled_from(methods)),
        upfront_fee_pct=draw(fee_pcts) if fees else Decimal("0"),
        monthly_fee_pct=draw(fee_pcts) if fees else Decimal("0"),
        interest_free_periods=draw(st.integers(0, term - 1)) if free_periods else 0,
    )
    return quoted, {"amount": draw(amounts), "term_months": term, "start": draw(starts)}


@PROPERTY
@given(loans())
def test_principal_sums_exactly_to_the_amount(loan):
    """Given any product and loan, when scheduled, then the principals sum exactly to the amount."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    assert sum(column(sched, "principal"), Decimal("0")) == kwargs["amount"]


@PROPERTY
@given(loans())
def test_the_balance_never_rises_never_goes_negative_and_ends_at_zero(loan):
    """Given any product and loan, then balances are non-increasing, >= 0 and end at 0.00."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    balances = [kwargs["amount"], *column(sched, "balance")]
    assert all(later <= earlier for earlier, later in itertools.pairwise(balances))
    assert min(balances) >= 0
    assert str(balances[-1]) == "0.00"
    assert all(p >= 0 for p in column(sched, "principal"))


@PROPERTY
@given(loans())
def test_every_money_component_is_quantized_to_the_cent(loan):
    """Given any product and loan, then every component, total, APR and EAR has exactly 2 places."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    values = [sched.upfront_fee, sched.total_interest, sched.total_fees, sched.total_repayment]
    values += [sched.apr, sched.ear]
    for name in ("principal", "interest", "fee", "payment", "balance"):
        values += column(sched, name)
    assert all(value.as_tuple().exponent == -2 for value in values)


@PROPERTY
@given(loans())
def test_total_repayment_is_the_amount_plus_interest_plus_period_fees(loan):
    """Given any loan, then total repayment = sum of payments = P + interest + (fees − upfront)."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    assert sched.total_repayment == sum(column(sched, "payment"), Decimal("0"))
    period_fees = sched.total_fees - sched.upfront_fee
    assert sched.total_repayment == kwargs["amount"] + sched.total_interest + period_fees
    assert all(
        inst.payment == inst.principal + inst.interest + inst.fee for inst in sched.installments
    )


@PROPERTY
@given(loans())
def test_installment_i_is_due_i_months_after_the_start_and_a_bullet_at_month_n(loan):
    """Given any start date, then installment i is due i months later (bullet: n), day clamped."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    start, n = kwargs["start"], kwargs["term_months"]
    expected_months = [n] if quoted.repayment_method == RepaymentMethod.BULLET else range(1, n + 1)
    for inst, month in zip(sched.installments, expected_months, strict=True):
        assert months_after(start, inst.due) == month
        assert inst.due.day == min(start.day, calendar.monthrange(inst.due.year, inst.due.month)[1])


@PROPERTY
@given(loans(fees=False))
def test_free_periods_waive_only_the_interest_of_the_first_k_periods(loan):
    """Given k free periods, then principal and fees match k = 0; non-bullet interest is 0 for k."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    base = build_schedule(dataclasses.replace(quoted, interest_free_periods=0), **kwargs)
    assert column(sched, "principal") == column(base, "principal")
    k = quoted.interest_free_periods
    if quoted.repayment_method == RepaymentMethod.FLAT_FEE:
        assert column(sched, "fee")[k:] == column(base, "fee")[k:]
        assert set(column(sched, "fee")[:k]) <= {Decimal("0.00")}
    elif quoted.repayment_method != RepaymentMethod.BULLET:
        assert column(sched, "interest")[k:] == column(base, "interest")[k:]
        assert set(column(sched, "interest")[:k]) <= {Decimal("0.00")}


@PROPERTY
@given(loans(methods=(RepaymentMethod.EQUAL_INSTALLMENT,), fees=False, free_periods=False))
def test_a_plain_equal_installment_loan_has_an_apr_of_12_times_its_periodic_rate(loan):
    """Given equal installments, no fees, no free periods, then APR is 12 × r (in %) within 0.01."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    nominal = (quoted.periodic_rate * 1200).quantize(CENT, rounding=ROUND_HALF_UP)
    # Interest is rounded to the cent each period: on a small amount at a tiny rate that alone
    # moves the APR (500 at 0.035 % a year over a month pays 0.01, an APR of 0.02 not 0.04), by
    # at most about 1200 × 0.005 / balance %. 12 / amount bounds it, ~0 on any real loan.
    assert abs(sched.apr - nominal) <= CENT + 12 / kwargs["amount"]


@PROPERTY
@given(
    loans(fees=False),
    st.sampled_from(["upfront_fee_pct", "monthly_fee_pct"]),
    st.decimals(min_value=Decimal("0.01"), max_value=3, places=2),
)
def test_adding_a_fee_to_a_product_never_lowers_its_apr(loan, fee_field, fee_pct):
    """Given a product, when a fee is added, then APR is >= and the unrounded IRR is higher."""
    quoted, kwargs = loan
    base = build_schedule(quoted, **kwargs)
    with_fee = build_schedule(dataclasses.replace(quoted, **{fee_field: fee_pct}), **kwargs)
    assert with_fee.apr >= base.apr
    assert with_fee.ear >= base.ear
    if with_fee.total_fees - base.total_fees >= CENT:
        assert unrounded_irr(with_fee) > unrounded_irr(base)


@PROPERTY
@given(loans())
def test_the_ear_is_never_below_the_apr(loan):
    """Given any product and loan, when scheduled, then EAR >= APR."""
    quoted, kwargs = loan
    sched = build_schedule(quoted, **kwargs)
    assert sched.ear >= sched.apr


@PROPERTY
@given(st.sampled_from(RepaymentMethod), st.sampled_from(RateUnit), amounts, terms)
def test_a_zero_rate_without_fees_always_shows_0_00(method, unit, amount, term):
    """Given r = 0 and no fees, for any amount and term, then APR and EAR read exactly "0.00"."""
    sched = schedule(method, "0", unit, amount=amount, term=term)
    assert (str(sched.apr), str(sched.ear)) == ("0.00", "0.00")


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_the_dearest_price_the_database_allows_still_prices_without_error(method):
    """100 % a day, a 100 % monthly fee and a 50 % upfront fee over 360 months: absurd,
    never published, but the engine answers with a finite APR instead of overflowing."""
    price = QuotedPrice(
        rate_value=Decimal("100"),
        rate_unit=RateUnit.DAILY,
        repayment_method=method,
        upfront_fee_pct=Decimal("50"),
        monthly_fee_pct=Decimal("100"),
    )

    for term in (1, 360):
        schedule = build_schedule(
            price, amount=Decimal("100"), term_months=term, start=datetime.date(2026, 1, 1)
        )
        assert Decimal("0") < schedule.apr < Decimal("9999999.99")
