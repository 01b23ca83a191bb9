"""Matching as the issue specifies it: every rule passes, fails with its reason in words,
or asks the question that would decide it; offers are clamped to the product and to the
borrower's means, ranked by true cost and priced only for the page shown.

No database: products are ``ProductFacts`` built here, borrowers are ``Borrower`` values.
"""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from applications.bands import AGE_BANDS, INCOME_BANDS, Band
from applications.matching import (
    ELIGIBLE,
    INELIGIBLE,
    UNDECIDED,
    Borrower,
    LoanRequest,
    Offer,
    ProductFacts,
    match,
)
from lenders.pricing import Quote, QuotedPrice, RateUnit, RepaymentMethod, build_schedule
from lenders.services import payment_per_yuan

START = datetime.date(2026, 1, 15)
PROPERTY = settings(max_examples=200, deadline=None)

# A borrower who has told us everything, and meets every rule the helpers below set.
KNOWN = Borrower(
    age=Band.exactly(30),
    monthly_income=Band.exactly(Decimal("10000")),
    city="beijing",
    occupation="salaried",
    months_in_job=24,
    has_social_insurance=True,
    monthly_debt_payments=Decimal("1000"),
    monthly_business_revenue=Decimal("50000"),
    years_trading=3,
)


def product(
    pk: int = 1,
    *,
    apr: str = "12",
    min_amount: str = "1000",
    max_amount: str = "100000",
    min_term: int = 3,
    max_term: int = 36,
    approval_minutes: int = 60,
    lender_kind: str = "bank",
    category: str = "cash",
    term_aprs: tuple[Decimal, ...] | None = None,
    method: RepaymentMethod = RepaymentMethod.EQUAL_INSTALLMENT,
    **rules,
) -> ProductFacts:
    """A published product at ``apr`` a year (equal installments unless ``method``), with
    ``rules``; its largest installment per yuan at each term as ``services.term_prices`` has it."""
    price = QuotedPrice(rate_value=Decimal(apr), rate_unit=RateUnit.ANNUAL, repayment_method=method)
    payments = tuple(
        payment_per_yuan(
            build_schedule(price, amount=Decimal(max_amount), term_months=term, start=START)
        )
        for term in range(min_term, max_term + 1)
    )
    return ProductFacts(
        id=pk,
        name=f"Product {pk}",
        url=f"/products/{pk}/",
        lender_name=f"Lender {pk}",
        lender_kind=lender_kind,
        category=category,
        min_amount=Decimal(min_amount),
        max_amount=Decimal(max_amount),
        min_term=min_term,
        max_term=max_term,
        approval_minutes=approval_minutes,
        price=price,
        term_aprs=term_aprs or tuple(Decimal(apr) for _ in range(min_term, max_term + 1)),
        term_payments=payments,
        **rules,
    )


def ask(amount: str = "20000", term: int = 12, purpose: str = "consumption") -> LoanRequest:
    return LoanRequest(amount=Decimal(amount), term_months=term, purpose=purpose)


# A debt-service ratio no payment reaches, so that a test of another rule is about that rule.
UNCAPPED = Decimal("100000")


def judge(
    facts: ProductFacts, borrower: Borrower = KNOWN, *, ratio: Decimal | None = UNCAPPED, **request
) -> Offer:
    """The one offer ``facts`` makes ``borrower`` for ``request`` (``ratio=None``: with the
    debt-service ratio of the settings)."""
    (offer,) = match(ask(**request), borrower, [facts], max_debt_service_ratio=ratio).offers
    return offer


def known(**changes) -> Borrower:
    return dataclasses.replace(KNOWN, **changes)


def reasons(offer: Offer) -> list[str]:
    with override("en"):
        return offer.reasons


def missing(offer: Offer) -> list[str]:
    with override("en"):
        return [str(question) for question in offer.missing]


def notes(offer: Offer) -> list[str]:
    with override("en"):
        return offer.notes


def assert_eligible(offer: Offer) -> None:
    assert (offer.status, reasons(offer), missing(offer)) == (ELIGIBLE, [], [])


def assert_ineligible_because(offer: Offer, reason: str) -> None:
    assert offer.status == INELIGIBLE
    assert reasons(offer) == [reason]


def assert_undecided_asking(offer: Offer, question: str) -> None:
    assert offer.status == UNDECIDED
    assert reasons(offer) == []
    assert missing(offer) == [question]


def age_band(code: str) -> Band:
    return AGE_BANDS[code][0]


def income_band(code: str) -> Band:
    return INCOME_BANDS[code][0]


# --- A borrower who meets every rule -------------------------------------------------------


def test_a_borrower_who_meets_every_rule_gets_an_eligible_offer_for_what_they_asked():
    """Given every rule met and a request in range, the offer is eligible, as asked, no notes."""
    facts = product(
        min_age=22,
        max_age=60,
        min_monthly_income=Decimal("5000"),
        occupations=frozenset({"salaried"}),
        min_months_in_job=6,
        cities=frozenset({"beijing"}),
        social_insurance_required=True,
        max_debt_to_income_pct=Decimal("50"),
        income_multiple=Decimal("10"),
    )
    offer = judge(facts)
    assert_eligible(offer)
    assert (offer.amount, offer.term_months, notes(offer)) == (Decimal("20000"), 12, [])


def test_an_offer_failing_several_rules_gives_every_reason_why_not():
    """Given a borrower below the income minimum and outside the cities, both reasons show."""
    facts = product(min_monthly_income=Decimal("5000"), cities=frozenset({"beijing"}))
    offer = judge(facts, known(monthly_income=Band.exactly(3000), city="lhasa"))
    assert offer.status == INELIGIBLE
    assert reasons(offer) == [
        "Not available in Lhasa.",
        "Needs a monthly income of at least ¥5,000.00.",
    ]


# --- Students: banks only ----------------------------------------------------------------


def test_a_student_is_ineligible_at_a_non_bank_even_if_the_product_allows_students():
    """Given a microloan open to students, a student is still refused, with the rule's reason."""
    facts = product(lender_kind="microloan", occupations=frozenset({"student", "salaried"}))
    offer = judge(facts, known(occupation="student"))
    assert_ineligible_because(
        offer, "Students can borrow only from banks (the 2021 rule on campus lending)."
    )


def test_a_student_is_eligible_at_a_bank_that_allows_students():
    """Given a bank product open to students, a student is eligible."""
    facts = product(lender_kind="bank", occupations=frozenset({"student"}))
    assert_eligible(judge(facts, known(occupation="student")))


def test_a_student_is_eligible_at_a_bank_whatever_its_occupation_list_leaves_open():
    """Given a bank product with no occupation list, a student is eligible."""
    assert_eligible(judge(product(lender_kind="bank"), known(occupation="student")))


def test_a_borrower_who_has_not_told_their_occupation_is_asked_it_before_a_non_bank_offer():
    """Given no occupation, a non-bank offer is undecided: they might be a student."""
    facts = product(lender_kind="consumer_finance")
    assert_undecided_asking(judge(facts, known(occupation="")), "Tell us your occupation.")


def test_a_borrower_who_is_not_a_student_is_eligible_at_a_non_bank():
    """Given a salaried borrower, a consumer-finance product is open to them."""
    assert_eligible(judge(product(lender_kind="consumer_finance"), known(occupation="salaried")))


# --- Business loans: business purpose only -----------------------------------------------


def test_a_business_loan_is_ineligible_for_a_purpose_other_than_business():
    """Given a business loan and a request for travel, it says it is for business use only."""
    offer = judge(product(category="business"), purpose="travel")
    assert_ineligible_because(offer, "A business loan is for business use only.")


def test_a_business_loan_is_open_to_a_business_purpose():
    """Given a business loan and a request for business, the offer is eligible."""
    assert_eligible(judge(product(category="business"), purpose="business"))


def test_a_cash_loan_is_not_for_a_business_purpose():
    """Given a cash loan (consumer credit), a business purpose is a reason: it serves the rest."""
    offer = judge(product(category="cash"), purpose="business")
    assert_ineligible_because(
        offer,
        "It does not serve your purpose (Business); it serves: Buying a car, Education, "
        "Everyday spending, Home renovation or furniture, Medical costs, Something else, Travel.",
    )


# --- Purposes ---------------------------------------------------------------------------------


def test_a_car_loan_does_not_match_everyday_spending_and_says_what_it_is_for():
    """Given a vehicle loan and a request for everyday spending, the purpose is the reason."""
    offer = judge(product(category="vehicle"), purpose="consumption")
    assert_ineligible_because(
        offer, "It does not serve your purpose (Everyday spending); it serves: Buying a car."
    )


def test_a_car_loan_serves_buying_a_car():
    """Given a vehicle loan and a request to buy a car, the offer is eligible."""
    assert_eligible(judge(product(category="vehicle"), purpose="car"))


@pytest.mark.parametrize(
    "purpose", ["consumption", "home", "car", "education", "medical", "travel", "other"]
)
def test_a_cash_loan_serves_every_consumer_purpose(purpose):
    """Given a cash loan without purposes of its own, every purpose but business is served."""
    assert_eligible(judge(product(category="cash"), purpose=purpose))


def test_a_products_own_purposes_replace_its_categorys():
    """Given an installment plan set (in admin) to serve travel only, education fails, travel
    passes."""
    facts = product(category="installment", purposes=frozenset({"travel"}))
    assert_eligible(judge(facts, purpose="travel"))
    assert_ineligible_because(
        judge(facts, purpose="education"),
        "It does not serve your purpose (Education); it serves: Travel.",
    )


# --- Occupation ------------------------------------------------------------------------------


def test_an_allowed_occupation_passes():
    """Given a product for salaried and civil servants, a civil servant is eligible."""
    facts = product(occupations=frozenset({"salaried", "civil_servant"}))
    assert_eligible(judge(facts, known(occupation="civil_servant")))


def test_an_occupation_outside_the_allowed_list_fails_with_its_name():
    """Given a product for salaried only, a freelancer is told it is not offered to them."""
    facts = product(occupations=frozenset({"salaried"}))
    offer = judge(facts, known(occupation="freelancer"))
    assert_ineligible_because(offer, "Not offered to: Freelancer.")


def test_an_unknown_occupation_asks_for_it_when_the_product_limits_occupations():
    """Given a product limited to some occupations and none told, the offer asks for it."""
    facts = product(occupations=frozenset({"salaried"}))
    assert_undecided_asking(judge(facts, known(occupation="")), "Tell us your occupation.")


def test_a_product_without_an_occupation_list_takes_any_occupation():
    """Given no occupation list, a retired borrower is eligible at a bank."""
    assert_eligible(judge(product(), known(occupation="retired")))


# --- Cities ---------------------------------------------------------------------------------


def test_an_allowed_city_passes():
    """Given a product for Beijing and Shanghai, a Shanghai borrower is eligible."""
    facts = product(cities=frozenset({"beijing", "shanghai"}))
    assert_eligible(judge(facts, known(city="shanghai")))


def test_a_city_outside_the_list_fails_with_its_name():
    """Given a product for Beijing only, a borrower in Lhasa is told it is not available there."""
    facts = product(cities=frozenset({"beijing"}))
    assert_ineligible_because(judge(facts, known(city="lhasa")), "Not available in Lhasa.")


def test_an_unknown_city_asks_for_it_when_the_product_limits_cities():
    """Given a product limited to some cities and no city told, the offer asks for it."""
    facts = product(cities=frozenset({"beijing"}))
    assert_undecided_asking(judge(facts, known(city="")), "Tell us your city.")


@pytest.mark.parametrize("city", ["lhasa", "urumqi", ""])
def test_a_nationwide_product_takes_any_city_or_none(city):
    """Given no city list (nationwide), any city, or none told, is eligible."""
    assert_eligible(judge(product(cities=frozenset()), known(city=city)))


# --- Age ------------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [22, 40, 60])
def test_an_exact_age_within_the_range_passes_edges_included(age):
    """Given ages 22 to 60, an exact age of 22, 40 or 60 passes."""
    assert_eligible(judge(product(min_age=22, max_age=60), known(age=Band.exactly(age))))


@pytest.mark.parametrize("age", [21, 61])
def test_an_exact_age_outside_the_range_fails_with_the_range(age):
    """Given ages 22 to 60, an exact age of 21 or 61 is told the range."""
    offer = judge(product(min_age=22, max_age=60), known(age=Band.exactly(age)))
    assert_ineligible_because(offer, "For ages 22 to 60 only.")


def test_an_unknown_age_asks_for_it():
    """Given no age at all, the offer asks for it (every product has an age range)."""
    assert_undecided_asking(judge(product(), known(age=None)), "Tell us your age.")


def test_an_age_band_inside_the_range_decides_eligible():
    """Given ages 22 to 60, the 25–34 band is wholly inside: eligible."""
    assert_eligible(judge(product(min_age=22, max_age=60), known(age=age_band("25-34"))))


def test_an_age_band_ending_exactly_at_the_maximum_is_inside():
    """Given ages 18 to 64, the 55–64 band (55 to 64 whole years) is wholly inside."""
    assert_eligible(judge(product(min_age=18, max_age=64), known(age=age_band("55-64"))))


@pytest.mark.parametrize("code", ["18-24", "65+"])
def test_an_age_band_wholly_outside_the_range_decides_ineligible(code):
    """Given ages 25 to 60, the 18–24 and 65+ bands are wholly outside: ineligible."""
    offer = judge(product(min_age=25, max_age=60), known(age=age_band(code)))
    assert_ineligible_because(offer, "For ages 25 to 60 only.")


@pytest.mark.parametrize(("code", "low", "high"), [("18-24", 22, 60), ("55-64", 22, 60)])
def test_an_age_band_straddling_the_range_asks_for_the_date_of_birth(code, low, high):
    """Given ages 22 to 60, the 18–24 and 55–64 bands straddle an edge: it asks for the DOB."""
    offer = judge(product(min_age=low, max_age=high), known(age=age_band(code)))
    assert_undecided_asking(offer, "Tell us your date of birth.")


# --- Monthly income -------------------------------------------------------------------------


@pytest.mark.parametrize("income", ["5000", "5000.01", "20000"])
def test_an_exact_income_at_or_above_the_minimum_passes(income):
    """Given a minimum of ¥5,000, an income of ¥5,000 or more passes."""
    facts = product(min_monthly_income=Decimal("5000"))
    assert_eligible(judge(facts, known(monthly_income=Band.exactly(Decimal(income)))))


def test_an_exact_income_below_the_minimum_fails_with_the_minimum_in_yuan():
    """Given a minimum of ¥5,000 and an income of ¥4,999.99, it says what income it needs."""
    facts = product(min_monthly_income=Decimal("5000"))
    offer = judge(facts, known(monthly_income=Band.exactly(Decimal("4999.99"))))
    assert_ineligible_because(offer, "Needs a monthly income of at least ¥5,000.00.")


def test_an_unknown_income_asks_for_it_when_the_product_has_a_minimum():
    """Given a minimum income and none told, the offer asks for the exact income."""
    facts = product(min_monthly_income=Decimal("5000"))
    offer = judge(facts, known(monthly_income=None))
    assert_undecided_asking(offer, "Tell us your exact monthly income.")


def test_an_unknown_income_is_asked_for_even_without_an_income_rule():
    """Given a product with no income rule and no income told, affordability cannot be
    judged: the offer asks for the income (it is not a pass)."""
    offer = judge(product(), known(monthly_income=None))
    assert_undecided_asking(offer, "Tell us your exact monthly income.")


def test_an_income_band_wholly_above_the_minimum_decides_eligible():
    """Given a minimum of ¥5,000, the ¥5,000–8,000 band reaches it throughout: eligible."""
    facts = product(min_monthly_income=Decimal("5000"))
    assert_eligible(judge(facts, known(monthly_income=income_band("5000-8000"))))


def test_an_income_band_wholly_below_the_minimum_decides_ineligible():
    """Given a minimum of ¥5,000, the ¥3,000–5,000 band (below 5,000) is ineligible."""
    facts = product(min_monthly_income=Decimal("5000"))
    offer = judge(facts, known(monthly_income=income_band("3000-5000")))
    assert_ineligible_because(offer, "Needs a monthly income of at least ¥5,000.00.")


@pytest.mark.parametrize(("code", "minimum"), [("3000-5000", "4000"), ("20000+", "25000")])
def test_an_income_band_straddling_the_minimum_asks_for_the_exact_income(code, minimum):
    """Given a band with incomes on both sides of the minimum, it asks for the exact income."""
    facts = product(min_monthly_income=Decimal(minimum))
    offer = judge(facts, known(monthly_income=income_band(code)))
    assert_undecided_asking(offer, "Tell us your exact monthly income.")


# --- Months in the current job ---------------------------------------------------------------


def test_months_in_job_at_the_minimum_pass():
    """Given a minimum of 6 months, 6 months in the job passes."""
    assert_eligible(judge(product(min_months_in_job=6), known(months_in_job=6)))


def test_too_few_months_in_job_fail_with_the_minimum():
    """Given a minimum of 6 months, 5 months is told it needs 6."""
    offer = judge(product(min_months_in_job=6), known(months_in_job=5))
    assert_ineligible_because(offer, "Needs at least 6 months in your current job.")


def test_a_minimum_of_one_month_in_job_is_said_in_the_singular():
    """Given a minimum of 1 month, a borrower who just started is told "1 month"."""
    offer = judge(product(min_months_in_job=1), known(months_in_job=0))
    assert_ineligible_because(offer, "Needs at least 1 month in your current job.")


def test_unknown_months_in_job_ask_for_them():
    """Given a minimum time in the job and none told, it asks how long."""
    offer = judge(product(min_months_in_job=6), known(months_in_job=None))
    assert_undecided_asking(offer, "Tell us how long you have been in your current job.")


# --- Social insurance -----------------------------------------------------------------------


def test_social_insurance_when_required_passes():
    """Given social insurance required, a contributor is eligible."""
    facts = product(social_insurance_required=True)
    assert_eligible(judge(facts, known(has_social_insurance=True)))


def test_no_social_insurance_when_required_fails():
    """Given social insurance required, a borrower without it is told so."""
    facts = product(social_insurance_required=True)
    offer = judge(facts, known(has_social_insurance=False))
    assert_ineligible_because(offer, "Needs social insurance contributions.")


def test_unknown_social_insurance_when_required_asks_for_it():
    """Given social insurance required and not told, it asks whether they pay it."""
    facts = product(social_insurance_required=True)
    offer = judge(facts, known(has_social_insurance=None))
    assert_undecided_asking(offer, "Tell us whether you pay social insurance.")


@pytest.mark.parametrize("has_it", [False, None])
def test_social_insurance_does_not_matter_when_not_required(has_it):
    """Given social insurance not required, without it or unknown is still eligible."""
    facts = product(social_insurance_required=False)
    assert_eligible(judge(facts, known(has_social_insurance=has_it)))


# --- Business revenue and years trading -----------------------------------------------------


def business(**rules) -> ProductFacts:
    return product(category="business", **rules)


def test_business_revenue_at_the_minimum_passes():
    """Given a minimum revenue of ¥30,000 a month, ¥30,000 passes."""
    facts = business(min_business_revenue=Decimal("30000"))
    offer = judge(facts, known(monthly_business_revenue=Decimal("30000")), purpose="business")
    assert_eligible(offer)


def test_business_revenue_below_the_minimum_fails_with_it():
    """Given a minimum revenue of ¥30,000 a month, ¥29,999 is told what it needs."""
    facts = business(min_business_revenue=Decimal("30000"))
    offer = judge(facts, known(monthly_business_revenue=Decimal("29999")), purpose="business")
    assert_ineligible_because(offer, "Needs monthly business revenue of at least ¥30,000.00.")


def test_unknown_business_revenue_asks_for_it():
    """Given a minimum revenue and none told, it asks for the monthly revenue."""
    facts = business(min_business_revenue=Decimal("30000"))
    offer = judge(facts, known(monthly_business_revenue=None), purpose="business")
    assert_undecided_asking(offer, "Tell us your monthly business revenue.")


def test_years_trading_at_the_minimum_pass():
    """Given a minimum of 2 years trading, 2 years pass."""
    facts = business(min_years_trading=2)
    assert_eligible(judge(facts, known(years_trading=2), purpose="business"))


@pytest.mark.parametrize(
    ("minimum", "years", "reason"),
    [
        (2, 1, "Needs at least 2 years of trading."),
        (1, 0, "Needs at least 1 year of trading."),
    ],
)
def test_too_few_years_trading_fail_with_the_minimum(minimum, years, reason):
    """Given a minimum of 2 (or 1) years trading, fewer is told the minimum, in the right number."""
    facts = business(min_years_trading=minimum)
    offer = judge(facts, known(years_trading=years), purpose="business")
    assert_ineligible_because(offer, reason)


def test_unknown_years_trading_ask_for_them():
    """Given a minimum time trading and none told, it asks how long the business has traded."""
    facts = business(min_years_trading=2)
    offer = judge(facts, known(years_trading=None), purpose="business")
    assert_undecided_asking(offer, "Tell us how long your business has been trading.")


# --- Debt-to-income -------------------------------------------------------------------------


def test_debt_payments_at_the_maximum_ratio_pass():
    """Given a 50 % maximum, ¥5,000 of debt payments on a ¥10,000 income passes."""
    facts = product(max_debt_to_income_pct=Decimal("50"))
    assert_eligible(judge(facts, known(monthly_debt_payments=Decimal("5000"))))


@pytest.mark.parametrize(
    ("maximum", "debt", "reason"),
    [
        ("50.00", "5000.01", "Your existing debt payments are above 50% of your income."),
        ("40.5", "4100", "Your existing debt payments are above 40.5% of your income."),
    ],
)
def test_debt_payments_above_the_maximum_ratio_fail_with_it(maximum, debt, reason):
    """Given a maximum ratio, debt above it on a ¥10,000 income is told the ratio as written."""
    facts = product(max_debt_to_income_pct=Decimal(maximum))
    offer = judge(facts, known(monthly_debt_payments=Decimal(debt)))
    assert_ineligible_because(offer, reason)


@pytest.mark.parametrize(
    "borrower",
    [known(monthly_debt_payments=None), known(monthly_income=INCOME_BANDS["8000-12000"][0])],
    ids=["no debt told", "an income band"],
)
def test_debt_to_income_without_exact_income_and_debt_asks_for_both(borrower):
    """Given a maximum ratio and no debt or only a band, it asks for both exactly."""
    facts = product(max_debt_to_income_pct=Decimal("50"))
    offer = judge(facts, borrower)
    assert_undecided_asking(offer, "Tell us your exact income and existing monthly debt payments.")


def test_debt_to_income_without_any_income_asks_for_it_and_the_debt():
    """Given a maximum ratio and no income at all, both questions are asked, each once."""
    facts = product(max_debt_to_income_pct=Decimal("50"))
    offer = judge(facts, known(monthly_income=None))
    assert offer.status == UNDECIDED
    assert missing(offer) == [
        "Tell us your exact income and existing monthly debt payments.",
        "Tell us your exact monthly income.",
    ]


# --- Affordability: the largest payment and declared debts against a share of income ------

# Salary Express: 3.6 % a year on equal installments, ¥1,000 to ¥300,000 over 1 to 36 months.
SALARY_EXPRESS = {
    "apr": "3.6",
    "min_amount": "1000",
    "max_amount": "300000",
    "min_term": 1,
    "max_term": 36,
}
EARNER = known(monthly_income=Band.exactly(15000), monthly_debt_payments=Decimal("0"))


def affordability(facts: ProductFacts, borrower: Borrower, **request) -> Offer:
    return judge(facts, borrower, ratio=None, **request)


def suggested(offer: Offer) -> list[str]:
    with override("en"):
        return offer.suggested


def test_a_15000_earner_is_not_eligible_for_300000_over_12_months_and_is_told_the_payment():
    """Given ¥15,000 a month and ¥300,000 over 12 months (¥25,490 a month, 170 % of the income),
    the offer is not eligible, with the payment and the share of income in words."""
    offer = affordability(product(**SALARY_EXPRESS), EARNER, amount="300000", term=12)
    assert_ineligible_because(
        offer, "The payment would be about ¥25,490 a month, more than 50% of your income."
    )
    assert offer.quote is None


def test_an_unaffordable_request_is_offered_the_amounts_that_would_pass():
    """Given the same borrower and no term within the range affordable for ¥300,000, it offers
    the most it would lend over 12 months and over its longest term, each within half the
    income; each passes when asked for."""
    facts = product(**SALARY_EXPRESS)
    offer = affordability(facts, EARNER, amount="300000", term=12)
    assert suggested(offer) == [
        "¥88,200 over 12 months would be about ¥7,494 a month.",
        "¥255,500 over 36 months would be about ¥7,498 a month.",
    ]
    for code, params in offer.suggestions:
        assert code == "smaller_amount"
        again = affordability(facts, EARNER, amount=str(params["amount"]), term=params["term"])
        assert_eligible(again)
        schedule = build_schedule(
            facts.price, amount=params["amount"], term_months=params["term"], start=START
        )
        assert max(i.payment for i in schedule.installments) <= Decimal("7500")


def test_an_unaffordable_term_is_offered_the_shortest_longer_term_that_passes():
    """Given ¥100,000 over 12 months (¥8,496 a month) on ¥15,000, 14 months would pass."""
    facts = product(**SALARY_EXPRESS)
    offer = affordability(facts, EARNER, amount="100000", term=12)
    assert offer.status == INELIGIBLE
    assert suggested(offer) == ["Over 14 months instead, it would be about ¥7,305 a month."]
    assert_eligible(affordability(facts, EARNER, amount="100000", term=14))
    assert affordability(facts, EARNER, amount="100000", term=13).status == INELIGIBLE


def test_nothing_is_suggested_when_another_reason_stands():
    """Given a car loan asked for everyday spending and beyond the borrower's means, both
    reasons show, and no smaller or longer loan is suggested: it would not pass either."""
    facts = product(**SALARY_EXPRESS, category="vehicle")
    offer = affordability(facts, EARNER, amount="300000", term=12)
    assert reasons(offer) == [
        "It does not serve your purpose (Everyday spending); it serves: Buying a car.",
        "The payment would be about ¥25,490 a month, more than 50% of your income.",
    ]
    assert offer.suggestions == []


def test_declared_debt_payments_count_against_the_share_of_income():
    """Given ¥60,000 over 12 months (¥5,098 a month) on ¥15,000: eligible with no debts, not
    eligible with ¥3,000 a month of other debt payments, which the reason names."""
    facts = product(**SALARY_EXPRESS)
    assert_eligible(affordability(facts, EARNER, amount="60000", term=12))
    indebted = known(monthly_income=Band.exactly(15000), monthly_debt_payments=Decimal("3000"))
    offer = affordability(facts, indebted, amount="60000", term=12)
    assert_ineligible_because(
        offer,
        "The payment would be about ¥5,098 a month; with your other debt payments of ¥3,000 "
        "a month, that is more than 50% of your income.",
    )


def test_the_share_of_income_comes_from_the_setting(settings):
    """Given MAX_DEBT_SERVICE_RATIO at 30 %, ¥60,000 over 12 months on ¥15,000 is too much,
    said with 30 %."""
    settings.MAX_DEBT_SERVICE_RATIO = Decimal("30")
    offer = affordability(product(**SALARY_EXPRESS), EARNER, amount="60000", term=12)
    assert_ineligible_because(
        offer, "The payment would be about ¥5,098 a month, more than 30% of your income."
    )


def test_a_plan_with_a_large_last_payment_is_judged_on_its_largest_payment():
    """Given an interest-only plan, the payment checked is the last (all the principal)."""
    facts = product(**SALARY_EXPRESS, method=RepaymentMethod.INTEREST_ONLY)
    offer = affordability(facts, EARNER, amount="20000", term=12)
    assert_ineligible_because(
        offer, "The largest payment would be about ¥20,060, more than 50% of your income."
    )
    assert suggested(offer) == ["¥7,400 over 12 months: its largest payment would be about ¥7,422."]


def test_an_anonymous_visitor_is_judged_on_the_top_of_their_income_band():
    """Given the ¥12,000–20,000 band (judged as ¥20,000): ¥100,000 over 12 months (¥8,496)
    is eligible, ¥150,000 (¥12,745) is not, and the reason says the band's top was used."""
    facts = product(**SALARY_EXPRESS)
    visitor = Borrower(age=age_band("25-34"), monthly_income=income_band("12000-20000"))
    assert_eligible(affordability(facts, visitor, amount="100000", term=12))
    offer = affordability(facts, visitor, amount="150000", term=12)
    assert_ineligible_because(
        offer,
        "The payment would be about ¥12,745 a month, more than 50% of your income. "
        "That holds even at ¥20,000 a month, the top of your income band.",
    )


def test_a_band_without_a_top_is_judged_on_its_floor_and_asks_when_that_is_not_enough():
    """Given the ¥20,000-or-more band: ¥100,000 over 12 months passes at ¥20,000; ¥150,000
    does not, but a higher income might afford it, so it asks for the exact income."""
    facts = product(**SALARY_EXPRESS)
    visitor = Borrower(age=age_band("25-34"), monthly_income=income_band("20000+"))
    assert_eligible(affordability(facts, visitor, amount="100000", term=12))
    offer = affordability(facts, visitor, amount="150000", term=12)
    assert_undecided_asking(offer, "Tell us your exact monthly income.")


def test_a_visitor_without_an_income_is_asked_for_it():
    """Given no income band at all, affordability is a question, not a pass."""
    visitor = Borrower(age=age_band("25-34"))
    offer = affordability(product(**SALARY_EXPRESS), visitor, amount="5000", term=12)
    assert_undecided_asking(offer, "Tell us your exact monthly income.")


# --- Clamping to the product's range --------------------------------------------------------


def test_a_request_within_the_range_is_offered_as_asked_without_notes():
    """Given a request inside the product's amounts and terms, the offer is exactly it."""
    offer = judge(product(), amount="20000", term=12)
    assert (offer.amount, offer.term_months, notes(offer)) == (Decimal("20000"), 12, [])


def test_an_amount_above_the_maximum_is_lowered_to_it_and_says_so():
    """Given an amount above the maximum, the offer is for the maximum, with a note: lending
    less than asked is honest (raising it never is)."""
    offer = judge(product(min_amount="1000", max_amount="100000"), amount="500000")
    assert_eligible(offer)
    assert (offer.amount, notes(offer)) == (
        Decimal("100000"),
        ["It lends ¥1,000.00 to ¥100,000.00, so this offer is for ¥100,000.00."],
    )


def test_an_amount_below_the_minimum_is_never_raised_silently():
    """Given ¥20,000 asked of a product lending from ¥30,000, it is not eligible at the amount
    asked and says where the lender starts; no note claims the offer was adjusted."""
    offer = judge(product(min_amount="30000", max_amount="300000"), amount="20000")
    assert_ineligible_because(
        offer, "This lender lends from ¥30,000 on this loan; you asked for ¥20,000."
    )
    assert notes(offer) == []
    assert offer.quote is None


@pytest.mark.parametrize(
    ("asked", "offered", "note"),
    [
        (60, 36, "It runs 3 to 36 months, so this offer is over 36 months."),
        (1, 3, "It runs 3 to 36 months, so this offer is over 3 months."),
    ],
)
def test_a_term_outside_the_range_is_clamped_to_it_and_says_so(asked, offered, note):
    """Given a term above the maximum or below the minimum, it is clamped, with a note."""
    offer = judge(product(min_term=3, max_term=36), term=asked)
    assert_eligible(offer)
    assert (offer.term_months, notes(offer)) == (offered, [note])


def test_the_ranking_apr_is_that_of_the_term_offered():
    """Given APRs that fall with the term, a request over the maximum ranks at the maximum's."""
    aprs = (Decimal("20"), Decimal("18"), Decimal("16"))
    offer = judge(product(min_term=6, max_term=8, term_aprs=aprs), term=24)
    assert (offer.term_months, offer.rank_apr) == (8, Decimal("16"))


# --- Limits that follow the borrower's means ------------------------------------------------


def test_an_income_multiple_clamps_the_amount_and_says_why():
    """Given 3 times income on a ¥10,000 income, a ¥50,000 request is offered ¥30,000."""
    offer = judge(product(income_multiple=Decimal("3.00")), amount="50000")
    assert_eligible(offer)
    assert offer.amount == Decimal("30000")
    assert notes(offer) == ["Limited to ¥30,000.00: 3 times your monthly income."]


def test_an_income_multiple_above_the_request_leaves_it_alone():
    """Given 10 times a ¥10,000 income, a ¥20,000 request is offered in full."""
    offer = judge(product(income_multiple=Decimal("10")), amount="20000")
    assert (offer.amount, notes(offer)) == (Decimal("20000"), [])


def test_an_income_multiple_applies_after_the_range_clamp():
    """Given a ¥100,000 maximum and 3 times a ¥10,000 income, a ¥500,000 request gets ¥30,000."""
    offer = judge(product(max_amount="100000", income_multiple=Decimal("3")), amount="500000")
    assert offer.amount == Decimal("30000")
    assert notes(offer)[-1] == "Limited to ¥30,000.00: 3 times your monthly income."


def test_an_income_multiple_below_the_product_minimum_fails_and_says_why():
    """Given 2 times a ¥3,000 income and a ¥10,000 minimum, the borrower's means are too small."""
    facts = product(min_amount="10000", income_multiple=Decimal("2"))
    offer = judge(facts, known(monthly_income=Band.exactly(3000)))
    assert_ineligible_because(
        offer, "Your means support at most ¥6,000.00 here, below its minimum of ¥10,000.00."
    )
    assert offer.amount >= Decimal("10000")


def test_an_income_limit_rounds_down_never_above_the_multiple_of_the_income():
    """Given 3 times a ¥3,333.33 income (¥9,999.99), a ¥20,000 request gets ¥9,999, not more."""
    facts = product(income_multiple=Decimal("3"))
    offer = judge(facts, known(monthly_income=Band.exactly(Decimal("3333.33"))))
    assert offer.amount <= Decimal("9999.99")
    assert notes(offer) == ["Limited to ¥9,999.00: 3 times your monthly income."]


def test_an_income_multiple_with_no_income_asks_for_it_once():
    """Given a minimum income and an income multiple and no income, the question comes once."""
    facts = product(min_monthly_income=Decimal("5000"), income_multiple=Decimal("3"))
    offer = judge(facts, known(monthly_income=None))
    assert_undecided_asking(offer, "Tell us your exact monthly income.")


def test_an_income_band_straddling_the_minimum_a_multiple_needs_asks_for_the_exact_income():
    """Given 10 times income and a ¥1,000 minimum, the under-¥3,000 band asks; it does not fail.

    An income of ¥2,999 would allow ¥29,990, one of ¥50 only ¥500: the band cannot decide.
    """
    facts = product(min_amount="1000", income_multiple=Decimal("10"))
    offer = judge(facts, known(monthly_income=income_band("0-3000")))
    assert_undecided_asking(offer, "Tell us your exact monthly income.")


def test_an_income_band_wholly_below_what_a_multiple_needs_decides_ineligible():
    """Given 2 times income and a ¥10,000 minimum, every income under ¥3,000 falls short."""
    facts = product(min_amount="10000", income_multiple=Decimal("2"))
    offer = judge(facts, known(monthly_income=income_band("0-3000")))
    assert offer.status == INELIGIBLE


def test_a_revenue_multiple_clamps_the_amount_and_says_why():
    """Given 2.5 times ¥20,000 of revenue, an ¥80,000 request is offered ¥50,000."""
    facts = business(revenue_multiple=Decimal("2.50"))
    borrower = known(monthly_business_revenue=Decimal("20000"))
    offer = judge(facts, borrower, amount="80000", purpose="business")
    assert_eligible(offer)
    assert offer.amount == Decimal("50000")
    assert notes(offer) == ["Limited to ¥50,000.00: 2.5 times your monthly business revenue."]


def test_a_revenue_multiple_below_the_product_minimum_fails_and_says_why():
    """Given 2 times ¥4,000 of revenue and a ¥10,000 minimum, the means are too small."""
    facts = business(min_amount="10000", revenue_multiple=Decimal("2"))
    borrower = known(monthly_business_revenue=Decimal("4000"))
    offer = judge(facts, borrower, purpose="business")
    assert_ineligible_because(
        offer, "Your means support at most ¥8,000.00 here, below its minimum of ¥10,000.00."
    )


def test_a_revenue_multiple_with_no_revenue_asks_for_it():
    """Given a revenue multiple and no revenue told, it asks for the monthly revenue."""
    facts = business(revenue_multiple=Decimal("2"))
    offer = judge(facts, known(monthly_business_revenue=None), purpose="business")
    assert_undecided_asking(offer, "Tell us your monthly business revenue.")


# --- Ranking --------------------------------------------------------------------------------


def names(offers: list[Offer]) -> list[str]:
    return [offer.product.name for offer in offers]


def test_eligible_offers_rank_before_undecided_before_ineligible_whatever_their_apr():
    """Given the cheapest product ineligible and the next undecided, the dearest eligible leads."""
    products = [
        product(1, apr="5", cities=frozenset({"shanghai"})),  # ineligible in Beijing
        product(2, apr="8", min_months_in_job=6),  # undecided: months in job unknown
        product(3, apr="20"),
    ]
    result = match(ask(), known(months_in_job=None), products)
    assert names(result.offers) == ["Product 3", "Product 2", "Product 1"]
    assert [offer.status for offer in result.offers] == [ELIGIBLE, UNDECIDED, INELIGIBLE]


def test_eligible_offers_rank_by_lowest_apr():
    """Given three eligible products, the lowest APR comes first."""
    products = [product(1, apr="18"), product(2, apr="9"), product(3, apr="12")]
    result = match(ask(), KNOWN, products)
    assert names(result.offers) == ["Product 2", "Product 3", "Product 1"]


def test_equal_aprs_rank_by_faster_approval():
    """Given the same APR, the product that approves sooner comes first."""
    products = [
        product(1, apr="12", approval_minutes=1440),
        product(2, apr="12", approval_minutes=10),
        product(3, apr="12", approval_minutes=120),
    ]
    result = match(ask(), KNOWN, products)
    assert names(result.offers) == ["Product 2", "Product 3", "Product 1"]


def test_sorting_by_speed_puts_the_fastest_approval_first_within_each_status():
    """Given sort=speed, the fastest eligible product leads, an ineligible fast one still trails."""
    products = [
        product(1, apr="9", approval_minutes=600),
        product(2, apr="18", approval_minutes=5),
        product(3, apr="12", approval_minutes=1, cities=frozenset({"shanghai"})),
    ]
    result = match(ask(), KNOWN, products, sort="speed")
    assert names(result.offers) == ["Product 2", "Product 1", "Product 3"]


def test_sorting_by_amount_puts_the_largest_amount_offered_first_within_each_status():
    """Given sort=amount, the product able to lend the most of a large request leads."""
    products = [
        product(1, apr="9", max_amount="30000"),
        product(2, apr="18", max_amount="80000"),
        product(3, apr="12", max_amount="50000"),
        product(4, apr="10", max_amount="200000", cities=frozenset({"shanghai"})),
    ]
    result = match(
        ask(amount="100000"), KNOWN, products, sort="amount", max_debt_service_ratio=UNCAPPED
    )
    assert names(result.offers) == ["Product 2", "Product 3", "Product 1", "Product 4"]


def test_an_unknown_sort_falls_back_to_lowest_apr():
    """Given a sort nobody offers, the default true-cost order is used."""
    products = [product(1, apr="18", approval_minutes=1), product(2, apr="9")]
    result = match(ask(), KNOWN, products, sort="sponsored")
    assert names(result.offers) == ["Product 2", "Product 1"]


# --- Paging, counts and pricing -------------------------------------------------------------


def catalogue() -> list[ProductFacts]:
    """Two eligible, one undecided and two ineligible products, APRs 8 to 16."""
    return [
        product(1, apr="16"),
        product(2, apr="8", cities=frozenset({"shanghai"})),  # ineligible
        product(3, apr="12", min_months_in_job=6),  # undecided
        product(4, apr="10"),
        product(5, apr="9", min_monthly_income=Decimal("50000")),  # ineligible
    ]


def test_counts_cover_every_product_not_just_the_page():
    """Given a page of one, the counts still count all five products by status."""
    result = match(ask(), known(months_in_job=None), catalogue(), limit=1)
    assert (result.eligible, result.undecided, result.ineligible, result.total) == (2, 1, 2, 5)


def test_offset_and_limit_give_that_slice_of_the_ranked_list():
    """Given offset 1 and limit 2, the 2nd and 3rd of the ranked offers come back."""
    borrower = known(months_in_job=None)
    everything = match(ask(), borrower, catalogue()).offers
    page = match(ask(), borrower, catalogue(), offset=1, limit=2).offers
    assert names(everything) == ["Product 4", "Product 1", "Product 3", "Product 2", "Product 5"]
    assert names(page) == ["Product 1", "Product 3"]


def test_an_offset_past_the_end_gives_an_empty_page():
    """Given an offset beyond the last product, the page is empty but the counts are not."""
    result = match(ask(), KNOWN, catalogue(), offset=10)
    assert result.offers == []
    assert result.total == 5


def test_only_offers_on_the_page_that_are_not_ineligible_are_priced():
    """Given a page with eligible, undecided and ineligible offers, the last have no quote."""
    result = match(ask(), known(months_in_job=None), catalogue())
    priced = {offer.product.name: offer.quote is not None for offer in result.offers}
    assert priced == {
        "Product 4": True,
        "Product 1": True,
        "Product 3": True,
        "Product 2": False,
        "Product 5": False,
    }


def test_a_quote_is_for_the_clamped_amount_and_term():
    """Given a request clamped by range and income, the quote prices what is offered,
    with the very figures of its full schedule."""
    facts = product(max_amount="100000", max_term=24, income_multiple=Decimal("4"))
    (offer,) = match(ask(amount="300000", term=36), KNOWN, [facts]).offers
    assert isinstance(offer.quote, Quote)
    assert (offer.amount, offer.term_months) == (Decimal("40000"), 24)
    assert (offer.quote.amount, offer.quote.term_months) == (Decimal("40000.00"), 24)
    schedule = build_schedule(facts.price, amount=Decimal("40000"), term_months=24, start=START)
    assert offer.quote.apr == schedule.apr
    assert offer.quote.first_payment == schedule.first_payment
    assert offer.quote.total_repayment == schedule.total_repayment
    assert offer.quote.total_interest == schedule.total_interest
    assert offer.quote.total_fees == schedule.total_fees


def test_a_quote_carries_the_monthly_payment_total_repayment_and_apr():
    """Given 12 % a year on ¥12,000 over 12 months, the quote shows payment, total and APR."""
    (offer,) = match(ask(amount="12000", term=12), KNOWN, [product(apr="12")]).offers
    assert offer.quote.first_payment == Decimal("1066.19")
    assert offer.quote.total_repayment == Decimal("12794.23")  # 11 × 1,066.19 + 1,066.14
    assert offer.quote.apr == Decimal("12.00")


# --- Properties -----------------------------------------------------------------------------

CITIES = ["beijing", "shanghai", "lhasa", "urumqi"]
PURPOSES = ["consumption", "business", "travel", "car"]
OCCUPATIONS = ["salaried", "student", "freelancer", "business_owner", "retired"]
money = st.integers(min_value=0, max_value=100_000).map(Decimal)

borrowers = st.builds(
    Borrower,
    age=st.none()
    | st.sampled_from([band for band, _label in AGE_BANDS.values()])
    | st.integers(min_value=18, max_value=80).map(Band.exactly),
    monthly_income=st.none()
    | st.sampled_from([band for band, _label in INCOME_BANDS.values()])
    | money.map(Band.exactly),
    city=st.sampled_from(["", *CITIES]),
    occupation=st.sampled_from(["", *OCCUPATIONS]),
    months_in_job=st.none() | st.integers(min_value=0, max_value=60),
    has_social_insurance=st.none() | st.booleans(),
    monthly_debt_payments=st.none() | money,
    monthly_business_revenue=st.none() | money,
    years_trading=st.none() | st.integers(min_value=0, max_value=10),
)
optional_money = st.none() | st.integers(min_value=0, max_value=50_000).map(Decimal)
optional_ratio = st.none() | st.integers(min_value=1, max_value=3000).map(
    lambda n: Decimal(n) / 100
)


@st.composite
def products(draw, pk: int) -> ProductFacts:
    min_amount = draw(st.integers(min_value=100, max_value=50_000))
    min_term = draw(st.integers(min_value=1, max_value=24))
    max_term = min_term + draw(st.integers(min_value=0, max_value=24))
    min_age = draw(st.integers(min_value=18, max_value=40))
    return product(
        pk,
        apr=str(draw(st.integers(min_value=0, max_value=36))),
        min_amount=str(min_amount),
        max_amount=str(min_amount + draw(st.integers(min_value=0, max_value=200_000))),
        min_term=min_term,
        max_term=max_term,
        approval_minutes=draw(st.integers(min_value=1, max_value=10_000)),
        lender_kind=draw(st.sampled_from(["bank", "consumer_finance", "microloan"])),
        category=draw(st.sampled_from(["cash", "installment", "business", "vehicle"])),
        method=draw(st.sampled_from(list(RepaymentMethod))),
        purposes=frozenset(draw(st.lists(st.sampled_from(PURPOSES), max_size=2))),
        min_age=min_age,
        max_age=min_age + draw(st.integers(min_value=0, max_value=40)),
        min_monthly_income=draw(optional_money),
        occupations=frozenset(draw(st.lists(st.sampled_from(OCCUPATIONS), max_size=3))),
        min_months_in_job=draw(st.none() | st.integers(min_value=0, max_value=24)),
        cities=frozenset(draw(st.lists(st.sampled_from(CITIES), max_size=2))),
        social_insurance_required=draw(st.booleans()),
        min_business_revenue=draw(optional_money),
        min_years_trading=draw(st.none() | st.integers(min_value=0, max_value=5)),
        max_debt_to_income_pct=draw(st.none() | st.integers(1, 80).map(Decimal)),
        income_multiple=draw(optional_ratio),
        revenue_multiple=draw(optional_ratio),
    )


catalogues = st.integers(min_value=1, max_value=6).flatmap(
    lambda n: st.tuples(*(products(pk) for pk in range(1, n + 1)))
)
requests = st.builds(
    LoanRequest,
    amount=st.integers(min_value=100, max_value=500_000).map(Decimal),
    term_months=st.integers(min_value=1, max_value=60),
    purpose=st.sampled_from(PURPOSES),
)


@PROPERTY
@given(request=requests, borrower=borrowers, facts=catalogues)
def test_an_offer_is_eligible_exactly_when_nothing_fails_or_is_unknown_and_stays_in_range(
    request, borrower, facts
):
    """For any borrower and products: eligible iff no failures and no unknowns, within range."""
    result = match(request, borrower, facts, limit=len(facts))
    assert len(result.offers) == result.total == len(facts)
    for offer in result.offers:
        p = offer.product
        assert offer.eligible == (not offer.failures and not offer.unknowns)
        assert (offer.status == INELIGIBLE) == bool(offer.failures)
        assert p.min_amount <= offer.amount <= p.max_amount
        assert p.min_term <= offer.term_months <= p.max_term
        assert offer.amount <= max(request.amount, p.min_amount)
        assert (offer.quote is None) == (offer.status == INELIGIBLE)
        with override("en"):
            assert len(offer.reasons) == len(offer.failures)
            assert len(offer.missing) == len(set(offer.unknowns)) == len(offer.unknowns)
            assert len(offer.notes) == len(offer.adjustments)


@st.composite
def band_and_value(draw, bands: dict, whole: bool) -> tuple[Band, Band]:
    """A band and an exact value inside it (whole years for ages, cents for incomes)."""
    band = draw(st.sampled_from([band for band, _label in bands.values()]))
    top = band.high if band.high is not None else band.low * 5
    if whole:
        value = draw(st.integers(min_value=int(band.low), max_value=int(top) - 1))
    else:
        value = draw(st.decimals(min_value=band.low, max_value=top - Decimal("0.01"), places=2))
    return band, Band.exactly(value)


@PROPERTY
@given(
    request=requests,
    borrower=borrowers,
    facts=catalogues,
    age=band_and_value(AGE_BANDS, whole=True),
    income=band_and_value(INCOME_BANDS, whole=False),
)
def test_a_band_decides_only_what_every_exact_value_inside_it_would_decide(
    request, borrower, facts, age, income
):
    """For any band, an ineligible verdict holds for every exact value inside it, and so does
    an eligible one but for affordability (judged at the band's top)."""
    banded = dataclasses.replace(borrower, age=age[0], monthly_income=income[0])
    exact = dataclasses.replace(borrower, age=age[1], monthly_income=income[1])
    by_band = match(request, banded, facts, limit=len(facts)).offers
    by_value = {o.product.id: o for o in match(request, exact, facts, limit=len(facts)).offers}
    for offer in by_band:
        verdict = by_value[offer.product.id]
        if offer.status == ELIGIBLE and verdict.status == INELIGIBLE:
            # Affordability alone judges a band at its top, so it may pass a band that fails
            # an income lower in it.
            assert {code for code, _params in verdict.failures} == {"debt_service"}
        elif offer.status != UNDECIDED:
            assert verdict.status == offer.status, (offer.failures, verdict.failures, age, income)


@settings(max_examples=150, deadline=None)
@given(request=requests, borrower=borrowers, facts=catalogues)
def test_the_fast_ranking_pass_agrees_with_the_explained_offers(request, borrower, facts):
    """Counts and order come from match's arrays, offers from ``build_offer``: both judge
    alike, affordability, minimums and purposes included, product by product."""
    for sort in ("apr", "amount"):
        result = match(request, borrower, facts, sort=sort, limit=len(facts))
        statuses = [offer.status for offer in result.offers]
        assert statuses.count(ELIGIBLE) == result.eligible
        assert statuses.count(UNDECIDED) == result.undecided
        assert statuses.count(INELIGIBLE) == result.ineligible
        assert statuses == sorted(statuses)  # eligible, then undecided, then the rest
    for offer in result.offers:
        alone = match(request, borrower, [offer.product], limit=0)  # the arrays' verdict only
        assert (alone.eligible, alone.undecided, alone.ineligible) == tuple(
            int(offer.status == status) for status in (ELIGIBLE, UNDECIDED, INELIGIBLE)
        )


@st.composite
def near_the_budget(draw) -> tuple[LoanRequest, Borrower, tuple[ProductFacts, ...]]:
    """A borrower whose income puts the request's payment within a few yuan of the budget."""
    facts = draw(catalogues)
    request = draw(requests)
    first = facts[0]
    amount = min(max(request.amount, first.min_amount), first.max_amount)
    term = min(max(request.term_months, first.min_term), first.max_term)
    payment = amount * first.term_payments[term - first.min_term]
    debt = draw(st.integers(min_value=0, max_value=2000))
    income = ((payment + debt) * 2 + draw(st.integers(min_value=-3, max_value=3))).quantize(
        Decimal("0.01")
    )
    borrower = known(
        monthly_income=Band.exactly(max(income, Decimal(0))), monthly_debt_payments=Decimal(debt)
    )
    return request, borrower, facts


@settings(max_examples=150, deadline=None)
@given(case=near_the_budget())
def test_the_fast_pass_and_the_offers_agree_at_the_edge_of_the_budget(case):
    """Given payments within a few yuan of half the income, both paths still judge alike."""
    request, borrower, facts = case
    result = match(request, borrower, facts, limit=len(facts))
    for offer in result.offers:
        alone = match(request, borrower, [offer.product], limit=0)
        assert (alone.eligible, alone.undecided, alone.ineligible) == tuple(
            int(offer.status == status) for status in (ELIGIBLE, UNDECIDED, INELIGIBLE)
        )
