from decimal import Decimal

import pytest
from django.urls import reverse

from lenders.models import EligibilityRules, Lender, LoanProduct
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


def product_form(lender: Lender, **overrides) -> dict:
    data = {
        "lender": lender.pk,
        "name": "Admin Loan",
        "slug": "admin-loan",
        "category": "cash",
        "description": "",
        "min_amount": "1000",
        "max_amount": "20000",
        "min_term_months": "3",
        "max_term_months": "12",
        "rate_value": "0.03",
        "rate_unit": "daily",
        "repayment_method": "equal_installment",
        "upfront_fee_pct": "0",
        "monthly_fee_pct": "0",
        "interest_free_periods": "0",
        "early_repayment_terms": "",
        "approval_minutes": "30",
        # The eligibility rules inline, left empty.
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1",
    }
    data.update(overrides)
    return data


def test_product_list_shows_the_apr_range_and_filters(staff_client):
    LoanProductFactory.create_batch(3)

    response = staff_client.get(
        reverse("admin:lenders_loanproduct_changelist"), {"status__exact": "published"}
    )

    assert response.status_code == 200
    assert "10.9" in response.content.decode()  # 0.03 % a day ≈ 10.95 % APR


def test_adding_a_product_prices_it_and_keeps_it_a_draft(staff_client):
    lender = LenderFactory()

    response = staff_client.post(reverse("admin:lenders_loanproduct_add"), product_form(lender))

    assert response.status_code == 302
    product = LoanProduct.objects.get(slug="admin-loan")
    assert product.status == LoanProduct.Status.DRAFT
    assert product.apr_max is not None
    assert product.term_aprs.count() == 10


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_amount": "50000"}, "The minimum amount cannot be more than the maximum amount."),
        ({"min_term_months": "24"}, "The minimum term cannot be more than the maximum term."),
        (
            {"interest_free_periods": "12"},
            "Interest-free months must be fewer than the maximum term.",
        ),
        ({"rate_value": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_an_invalid_product_is_a_clear_form_error(staff_client, overrides, message):
    lender = LenderFactory()

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_add"),
        product_form(lender, **overrides),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LoanProduct.objects.filter(slug="admin-loan").exists()


def test_publish_action_publishes_and_refuses_above_the_cap(staff_client, settings):
    settings.PLATFORM_MAX_APR = Decimal("24")
    cheap = LoanProductFactory(published=False, name="Cheap")
    dear = LoanProductFactory(
        published=False,
        name="Dear",
        rate_value=Decimal("1.5"),
        rate_unit="monthly",
        repayment_method="flat_fee",
    )

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_changelist"),
        {"action": "publish", "_selected_action": [cheap.pk, dear.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    cheap.refresh_from_db()
    dear.refresh_from_db()
    assert cheap.status == LoanProduct.Status.PUBLISHED
    assert dear.status == LoanProduct.Status.DRAFT
    assert "Dear cannot be published: its APR reaches" in html
    assert "above the platform&#x27;s limit of 24%" in html


def test_pause_action_takes_products_off_the_site(staff_client):
    product = LoanProductFactory()

    staff_client.post(
        reverse("admin:lenders_loanproduct_changelist"),
        {"action": "pause", "_selected_action": [product.pk]},
    )

    product.refresh_from_db()
    assert product.status == LoanProduct.Status.PAUSED


def test_a_published_product_cannot_be_repriced_above_the_cap_in_admin(staff_client, settings):
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory()
    data = product_form(product.lender, slug=product.slug, name=product.name, rate_value="0.2")

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Pause it first or lower its price." in response.content.decode()
    product.refresh_from_db()
    assert product.rate_value == Decimal("0.0300")


def test_lender_page_lists_its_products_inline(staff_client):
    product = LoanProductFactory(name="Inline Loan")

    response = staff_client.get(reverse("admin:lenders_lender_change", args=[product.lender.pk]))

    assert response.status_code == 200
    assert "Inline Loan" in response.content.decode()


def test_lender_list_filters_by_status_and_searches(staff_client):
    LenderFactory(name="Findable Bank", status=Lender.Status.UNDER_REVIEW)

    response = staff_client.get(
        reverse("admin:lenders_lender_changelist"),
        {"q": "Findable", "status__exact": "under_review"},
    )

    assert "Findable Bank" in response.content.decode()


def test_eligibility_rules_are_edited_on_the_product_page(staff_client):
    product = LoanProductFactory()
    data = product_form(
        product.lender,
        slug=product.slug,
        name=product.name,
        **{
            "rules-TOTAL_FORMS": "1",
            "rules-0-min_age": "22",
            "rules-0-max_age": "55",
            "rules-0-min_monthly_income": "5000",
            "rules-0-occupations": ["salaried", "civil_servant"],
            "rules-0-cities": ["beijing"],
            "rules-0-income_multiple": "10",
        },
    )

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]), data
    )

    assert response.status_code == 302
    rules = EligibilityRules.objects.get(product=product)
    assert (rules.min_age, rules.max_age) == (22, 55)
    assert rules.occupations == ["salaried", "civil_servant"]
    assert rules.cities == ["beijing"]
    assert rules.min_monthly_income == Decimal("5000")


def test_rules_with_an_age_under_18_are_a_form_error(staff_client):
    product = LoanProductFactory()
    data = product_form(
        product.lender,
        slug=product.slug,
        name=product.name,
        **{"rules-TOTAL_FORMS": "1", "rules-0-min_age": "16", "rules-0-max_age": "55"},
    )

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Borrowers are at least 18" in response.content.decode()
    assert not EligibilityRules.objects.filter(product=product).exists()
