from decimal import Decimal

import pytest

from applications.models import MatchLog
from devtools.testing.fixtures import VALID_ID
from lenders import services as lender_services
from lenders.models import EligibilityRules, Lender
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = {
    "amount": "20000",
    "term": "12",
    "purpose": "consumption",
    "age_band": "25-34",
    "city": "lhasa",
    "occupation": "salaried",
    "income_band": "3000-5000",
}


@pytest.fixture
def bank_loan(django_capture_on_commit_callbacks):
    """A bank loan for incomes of ¥5,000 and more, Beijing and Shanghai only."""
    product = LoanProductFactory(
        name="Bank Salary Loan",
        lender=LenderFactory(kind=Lender.Kind.BANK, name="Harbour Bank"),
        max_amount=Decimal("200000"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        lender_services.save_rules(
            rules=EligibilityRules(
                product=product,
                min_monthly_income=Decimal("5000"),
                cities=["beijing", "shanghai"],
                income_multiple=Decimal("10"),
            )
        )
    return product


@pytest.fixture
def microloan(django_capture_on_commit_callbacks):
    return LoanProductFactory(
        name="Open Microloan",
        lender=LenderFactory(kind=Lender.Kind.MICROLOAN, name="Pearl Micro"),
        rate_value=Decimal("0.04"),
    )


def offers(response) -> dict:
    return {offer.product.name: offer for offer in response.context["result"].offers}


def test_an_anonymous_visitor_is_matched_on_four_bands_with_reasons(client, bank_loan, microloan):
    response = client.get("/match/", ANONYMOUS, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    found = offers(response)
    assert response.status_code == 200
    assert found["Open Microloan"].eligible
    assert not found["Bank Salary Loan"].eligible
    assert "Needs a monthly income of at least ¥5,000.00." in html
    assert "Not available in Lhasa." in html
    assert list(found) == ["Open Microloan", "Bank Salary Loan"]  # eligible first
    assert "How LoanMarket is paid" in html


def test_eligible_offers_are_priced_for_the_request(client, microloan):
    response = client.get("/match/", ANONYMOUS)

    offer = offers(response)["Open Microloan"]
    assert offer.quote.amount == Decimal("20000.00")
    assert offer.quote.term_months == 12
    assert offer.quote.apr > 0


def test_a_signed_in_borrower_is_matched_on_the_saved_profile(
    borrower_client, full_profile, bank_loan
):
    """Given ¥12,000 a month and ¥1,000 of debt payments, ¥60,000 over 24 months is eligible."""
    response = borrower_client.get(
        "/match/",
        {"amount": "60000", "term": "24", "purpose": "consumption"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    offer = offers(response)["Bank Salary Loan"]
    assert offer.eligible
    assert offer.amount == Decimal("60000")
    assert "age_band" not in response.context["form"].fields


def test_an_unaffordable_request_is_not_eligible_and_the_page_says_what_would_pass(
    borrower_client, full_profile, bank_loan
):
    """Given ¥300,000 over 12 months asked, the income multiple lowers it to ¥120,000, whose
    payment with the declared debts is over half the income: not eligible, the payment in
    words, and the amounts that would pass shown on the card."""
    response = borrower_client.get(
        "/match/",
        {"amount": "300000", "term": "12", "purpose": "consumption"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    offer = offers(response)["Bank Salary Loan"]
    assert not offer.eligible
    assert offer.amount == Decimal("120000")
    assert "Limited to ¥120,000.00: 10 times your monthly income." in html
    assert (
        "The payment would be about ¥10,603 a month; with your other debt payments of ¥1,000 a "
        "month, that is more than 50% of your income." in html
    )
    assert (
        '<ul class="suggestions"><li>¥56,500 over 12 months would be about ¥4,992 a month.</li>'
        "<li>¥107,300 over 24 months would be about ¥4,999 a month.</li></ul>" in html
    )
    assert "See the full cost and apply" not in html


def test_a_visitor_asking_below_a_products_minimum_is_told_where_it_starts(client):
    """Given ¥20,000 asked of a product lending from ¥30,000, the card says so, not eligible."""
    LoanProductFactory(name="Big Loan", min_amount=Decimal("30000"), max_amount=Decimal("300000"))
    response = client.get(
        "/match/", {**ANONYMOUS, "income_band": "20000+"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    offer = offers(response)["Big Loan"]
    assert not offer.eligible
    assert "This lender lends from ¥30,000 on this loan; you asked for ¥20,000." in (
        response.content.decode()
    )


def test_a_car_loan_is_not_offered_for_everyday_spending(client):
    """Given a vehicle loan and a visitor borrowing for everyday spending, the purpose is why."""
    LoanProductFactory(name="Car Loan", category="vehicle")
    response = client.get(
        "/match/", {**ANONYMOUS, "income_band": "20000+"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert not offers(response)["Car Loan"].eligible
    assert (
        "It does not serve your purpose (Everyday spending); it serves: Buying a car."
        in response.content.decode()
    )


def test_the_purposes_set_in_admin_decide_the_match(client, django_capture_on_commit_callbacks):
    """Given an installment plan whose rules serve travel only, everyday spending is refused
    with what it serves, and travel is offered."""
    product = LoanProductFactory(name="Travel Plan", category="installment")
    with django_capture_on_commit_callbacks(execute=True):
        lender_services.save_rules(rules=EligibilityRules(product=product, purposes=["travel"]))
    visitor = {**ANONYMOUS, "income_band": "20000+"}

    response = client.get("/match/", visitor, HTTP_ACCEPT_LANGUAGE="en")
    assert not offers(response)["Travel Plan"].eligible
    assert "it serves: Travel." in response.content.decode()

    response = client.get("/match/", {**visitor, "purpose": "travel"})
    assert offers(response)["Travel Plan"].eligible


def test_a_visitor_is_judged_affordable_on_the_top_of_their_income_band(client, microloan):
    """Given ¥3,000–5,000 (judged as ¥5,000: ¥2,500 a month), ¥20,000 over 12 months passes,
    ¥40,000 does not, and the card says the top of the band was used."""
    assert offers(client.get("/match/", ANONYMOUS))["Open Microloan"].eligible

    response = client.get("/match/", {**ANONYMOUS, "amount": "40000"}, HTTP_ACCEPT_LANGUAGE="en")

    assert not offers(response)["Open Microloan"].eligible
    assert "That holds even at ¥5,000 a month, the top of your income band." in (
        response.content.decode()
    )


def test_an_incomplete_profile_asks_for_what_is_missing(borrower_client, bank_loan):
    response = borrower_client.get(
        "/match/",
        {"amount": "20000", "term": "12", "purpose": "consumption"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    offer = offers(response)["Bank Salary Loan"]
    assert offer.undecided
    assert "Tell us your exact monthly income." in response.content.decode()
    assert "Complete my profile" in response.content.decode()


def test_each_match_is_logged_with_bands_and_counts_only(client, bank_loan, microloan):
    client.get("/?utm_source=partner-blog")
    client.get("/match/", ANONYMOUS)

    log = MatchLog.objects.get()
    assert (log.age_band, log.income_band, log.city, log.occupation) == (
        "25-34",
        "3000-5000",
        "lhasa",
        "salaried",
    )
    assert (log.eligible, log.undecided, log.ineligible) == (1, 0, 1)
    assert log.channel == "partner-blog"
    assert not log.logged_in


def test_a_signed_in_match_logs_bands_not_the_profile(borrower_client, full_profile, bank_loan):
    borrower_client.get("/match/", {"amount": "20000", "term": "12", "purpose": "consumption"})

    log = MatchLog.objects.get()
    assert log.logged_in
    assert log.income_band == "12000-20000"  # the band of ¥12,000, not the amount
    assert log.age_band == "35-44"
    stored = str(list(MatchLog.objects.values_list()))
    assert VALID_ID not in stored
    assert "李娜" not in stored
    assert "13912345678" not in stored


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({**ANONYMOUS, "amount": "lots"}, "amount"),
        ({**ANONYMOUS, "amount": "-1"}, "amount"),
        ({**ANONYMOUS, "amount": "1e400"}, "amount"),
        ({**ANONYMOUS, "term": "0"}, "term"),
        ({**ANONYMOUS, "age_band": "12-17"}, "age_band"),
        ({**ANONYMOUS, "income_band": "-5000"}, "income_band"),
        ({**ANONYMOUS, "city": "<script>"}, "city"),
        ({**ANONYMOUS, "purpose": "gambling"}, "purpose"),
    ],
)
def test_bad_match_input_is_a_form_error_and_nothing_is_logged(client, microloan, params, field):
    response = client.get("/match/", params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["result"] is None
    assert "<script>" not in response.content.decode()
    assert not MatchLog.objects.exists()


def test_the_home_page_quick_form_fills_the_match_form(client):
    response = client.get("/match/", {"amount": "8000", "term": "6"})

    html = response.content.decode()
    assert 'value="8000"' in html
    assert not response.context["form"].errors


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    ("params", "field"),
    [({"amount": "abc", "term": "6"}, "amount"), ({"amount": "8000", "term": "0"}, "term")],
)
def test_a_bad_quick_start_shows_the_form_with_its_error_not_nothing(
    client, microloan, params, field, htmx
):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get("/match/", params, HTTP_ACCEPT_LANGUAGE="en", **extra)

    html = response.content.decode()
    assert list(response.context["form"].errors) == [field]  # the unasked are not errors
    assert "Please correct the answers marked above." in html
    assert response.context["result"] is None
    assert not MatchLog.objects.exists()


def test_matching_answers_htmx_with_the_results_alone(client, microloan):
    response = client.get("/match/", ANONYMOUS, HTTP_HX_REQUEST="true")

    assert "Open Microloan" in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("n_products", [10, 300])
def test_match_query_count_is_flat_for_visitors(client, django_assert_max_num_queries, n_products):
    LoanProductFactory.create_batch(n_products)
    client.get("/match/", ANONYMOUS)  # builds this process's product snapshot

    with django_assert_max_num_queries(1):  # the match log
        response = client.get("/match/", {**ANONYMOUS, "amount": "30000"})

    assert response.context["result"].total == n_products


@pytest.mark.parametrize("n_products", [10, 300])
def test_match_query_count_is_flat_for_borrowers(
    borrower_client, full_profile, django_assert_max_num_queries, n_products
):
    LoanProductFactory.create_batch(n_products)
    params = {"amount": "20000", "term": "12", "purpose": "consumption"}
    borrower_client.get("/match/", params)

    with django_assert_max_num_queries(4):  # session, user, profile, match log
        borrower_client.get("/match/", {**params, "amount": "30000"})


@pytest.mark.parametrize("n_products", [10, 300])
def test_match_query_count_is_flat_when_offers_are_unaffordable(
    borrower_client, full_profile, django_assert_max_num_queries, n_products
):
    """Reasons and suggestions come from the snapshot: no query per offer shown."""
    LoanProductFactory.create_batch(n_products)
    params = {"amount": "50000", "term": "3", "purpose": "consumption"}
    borrower_client.get("/match/", params)

    with django_assert_max_num_queries(4):  # session, user, profile, match log
        response = borrower_client.get("/match/", {**params, "amount": "49000"})

    assert response.context["result"].ineligible == n_products
    assert all(offer.suggestions for offer in response.context["result"].offers)
