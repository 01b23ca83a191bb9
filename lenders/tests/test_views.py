import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from lenders import services
from lenders.models import Lender, LoanProduct
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/loans/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def offer_names(response) -> list[str]:
    return [row["product"].name for row in response.context["rows"]]


def rendered(response) -> str:
    return response.content.decode()


# Home


def test_home_page_shows_the_quick_form_categories_and_disclosure(client, daily_rate_product):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    html = rendered(response)
    assert response.status_code == 200
    assert 'action="/match/"' in html
    assert "How LoanMarket is paid" in html
    assert "Cash loan" in html
    assert "Daily Loan" in html  # cheapest over 12 months


# Catalogue


def test_catalogue_lists_only_published_products_of_active_lenders(client):
    shown = LoanProductFactory(name="Shown")
    LoanProductFactory(name="Draft", status=LoanProduct.Status.DRAFT)
    LoanProductFactory(name="Paused", status=LoanProduct.Status.PAUSED)
    suspended = LoanProductFactory(name="Suspended", lender__status=Lender.Status.SUSPENDED)

    response = client.get(CATALOGUE)

    assert offer_names(response) == [shown.name]
    assert suspended.name not in rendered(response)


def test_catalogue_ranks_by_lowest_apr_by_default(client, flat_fee_product, daily_rate_product):
    response = client.get(CATALOGUE, {"amount": "10000", "term": "12"})

    assert offer_names(response) == ["Daily Loan", "Flat Plan"]


def test_catalogue_shows_the_exact_price_of_the_request(client, flat_fee_product):
    """Flat 0.6 % a month, ¥10,000 over 12 months: ¥893.33 a month, ¥10,720.00, APR 13.03 %."""
    response = client.get(CATALOGUE, {"amount": "10000", "term": "12"}, HTTP_ACCEPT_LANGUAGE="en")

    html = rendered(response)
    assert "13.03%" in html
    assert "¥893.33" in html
    assert "¥10,720.00" in html


def test_catalogue_rows_carry_a_representative_example(client, flat_fee_product):
    response = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en")

    assert (
        "Example: borrow ¥10,000.00 over 12 months. Monthly payment: ¥893.33. "
        "Total repayment ¥10,720.00, APR 13.03%." in " ".join(rendered(response).split())
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"amount": "600"}, ["Daily Loan"]),  # below the flat plan's minimum
        ({"term": "30"}, ["Daily Loan"]),  # beyond the flat plan's maximum term
        ({"category": "installment"}, ["Flat Plan"]),
        ({"lender_kind": "microloan"}, ["Flat Plan"]),
        ({"method": "flat_fee"}, ["Flat Plan"]),
        ({"max_apr": "10.8"}, ["Flat Plan"]),  # its 3-month APR is 10.77 %
        ({"max_apr": "12", "term": "12"}, ["Daily Loan"]),  # its 12-month APR is 13.03 %
        ({"max_apr": "10"}, []),
        ({"sort": "amount"}, ["Daily Loan", "Flat Plan"]),
        ({"sort": "speed"}, ["Flat Plan", "Daily Loan"]),
    ],
)
def test_catalogue_filters_and_sorts(
    client, flat_fee_product, daily_rate_product, params, expected
):
    response = client.get(CATALOGUE, params)

    assert response.status_code == 200
    assert offer_names(response) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"amount": "lots"}, "amount"),
        ({"amount": "-5000"}, "amount"),
        ({"amount": "1e400"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"term": "0"}, "term"),
        ({"term": "twelve"}, "term"),
        ({"category": "payday"}, "category"),
        ({"lender_kind": "loan-shark"}, "lender_kind"),
        ({"max_apr": "-1"}, "max_apr"),
        ({"method": "balloon"}, "method"),
        ({"sort": "cheapest-first'; drop table"}, "sort"),
    ],
)
def test_catalogue_junk_is_a_visible_form_error_never_a_500(
    client, daily_rate_product, params, field
):
    response = client.get(CATALOGUE, params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="field-error"' in rendered(response)
    assert 'aria-invalid="true"' in rendered(response)
    assert offer_names(response) == ["Daily Loan"]  # the valid filters still apply


def test_catalogue_paginates(client):
    LoanProductFactory.create_batch(25)

    first = client.get(CATALOGUE)
    second = client.get(CATALOGUE, {"page": "2"})
    junk = client.get(CATALOGUE, {"page": "x"})

    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 5
    assert junk.status_code == 200


def test_catalogue_htmx_results_name_the_filters_that_could_not_be_used(client, daily_rate_product):
    response = client.get(
        CATALOGUE, {"amount": "lots"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "Amount (¥): Enter a number." in rendered(response)
    assert "Daily Loan" in rendered(response)


def test_catalogue_answers_htmx_with_the_results_alone(client, daily_rate_product):
    response = client.get(CATALOGUE, {"term": "12"}, HTTP_HX_REQUEST="true")

    html = rendered(response)
    assert "Daily Loan" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("n_products", [10, 300])
def test_catalogue_query_count_is_flat(client, django_assert_max_num_queries, n_products):
    LoanProductFactory.create_batch(n_products)

    with django_assert_max_num_queries(3):  # the count, the page, the products at their cap
        response = client.get(CATALOGUE, {"amount": "5000", "term": "12", "max_apr": "20"})

    assert response.status_code == 200


def test_a_product_change_shows_at_once_despite_the_cache(
    client, daily_rate_product, django_capture_on_commit_callbacks
):
    client.get(CATALOGUE)
    daily_rate_product.name = "Renamed Loan"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_product(product=daily_rate_product)

    assert "Renamed Loan" in rendered(client.get(CATALOGUE))


# Product detail


def test_product_page_shows_lender_terms_and_true_cost(client, flat_fee_product):
    response = client.get(flat_fee_product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    html = " ".join(rendered(response).split())
    assert response.status_code == 200
    assert "Pearl Microcredit" in html
    assert flat_fee_product.lender.licence_number in html
    assert "Quoted as 0.6% a month on the original amount — APR 13.03%." in html
    assert "How LoanMarket is paid" in html
    assert html.count("<tr>") == 13  # header and 12 installments


def test_product_calculator_prices_the_amount_and_term_asked(client, flat_fee_product):
    response = client.get(
        flat_fee_product.get_absolute_url(),
        {"amount": "20000", "term": "6"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    schedule = response.context["schedule"]
    assert schedule.amount == Decimal("20000.00")
    assert schedule.term_months == 6
    assert "¥20,720.00" in rendered(response)  # 20,000 + 6 × 120


def test_product_calculator_explains_an_amount_outside_the_range(client, flat_fee_product):
    response = client.get(
        flat_fee_product.get_absolute_url(),
        {"amount": "999999", "term": "6"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "This product lends from ¥1,000.00 to ¥50,000.00." in rendered(response)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("amount", ["abc", "999999", "-5"])
def test_an_invalid_calculator_amount_replaces_the_schedule_with_the_error_and_the_limits(
    client, flat_fee_product, amount, htmx
):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(
        flat_fee_product.get_absolute_url(),
        {"amount": amount, "term": "6"},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )

    html = rendered(response)
    assert response.context["schedule"] is None
    assert "Repayment schedule for" not in html
    assert "This product lends ¥1,000.00 to ¥50,000.00 over 3 to 24 months." in html
    assert "Amount (¥):" in html
    assert "Check if I qualify and apply" not in html


def test_the_product_page_leads_to_applying_with_the_calculators_amount_and_term(
    client, flat_fee_product
):
    response = client.get(
        flat_fee_product.get_absolute_url(), {"amount": "20000", "term": "6"}, **EN
    )
    htmx = client.get(
        flat_fee_product.get_absolute_url(),
        {"amount": "8000", "term": "9"},
        HTTP_HX_REQUEST="true",
        **EN,
    )

    apply = '/applications/apply/pearl/flat/?amount=20000&amp;term=6">Check if I qualify and apply'
    assert apply in rendered(response)
    assert 'href="/match/?amount=20000&amp;term=6"' in rendered(response)
    assert "/applications/apply/pearl/flat/?amount=8000&amp;term=9" in htmx.content.decode()


def test_the_product_page_opens_on_its_representative_request_with_an_apply_action(
    client, flat_fee_product
):
    html = rendered(client.get(flat_fee_product.get_absolute_url(), **EN))

    assert "/applications/apply/pearl/flat/?amount=10000&amp;term=12" in html


def test_catalogue_links_carry_the_amount_and_term_to_the_products_that_lend_them(
    client, flat_fee_product, daily_rate_product
):
    html = rendered(client.get(CATALOGUE, {"amount": "20000", "term": "12"}, **EN))
    unasked = rendered(client.get(CATALOGUE, **EN))

    assert 'href="/loans/jade/daily/?amount=20000&amp;term=12"' in html
    assert 'href="/loans/pearl/flat/?amount=20000&amp;term=12"' in html
    assert 'href="/loans/pearl/flat/"' in unasked  # nothing asked: its own example


@pytest.mark.parametrize("n_products", [10, 300])
def test_product_page_query_count_is_flat(client, django_assert_max_num_queries, n_products):
    url = LoanProductFactory.create_batch(n_products)[-1].get_absolute_url()

    with django_assert_max_num_queries(2):  # the product, the products at their cap
        response = client.get(url, {"amount": "5000", "term": "12"})

    assert response.status_code == 200


def test_unpublished_and_suspended_and_unknown_products_are_404(client):
    draft = LoanProductFactory(status=LoanProduct.Status.DRAFT)
    suspended = LoanProductFactory(lender__status=Lender.Status.SUSPENDED)
    paused = LoanProductFactory(status=LoanProduct.Status.PAUSED)

    for url in (
        draft.get_absolute_url(),
        suspended.get_absolute_url(),
        paused.get_absolute_url(),
        "/loans/nobody/nothing/",
        "/loans/nobody/nothing/schedule.json?amount=1000&term=3",
    ):
        assert client.get(url).status_code == 404, url


# schedule.json


def schedule_url(product: LoanProduct) -> str:
    return reverse("lenders:schedule", args=[product.lender.slug, product.slug])


def test_schedule_json_follows_the_contract(client, flat_fee_product):
    response = client.get(
        schedule_url(flat_fee_product), {"amount": "10000", "term": "12", "start": "2026-01-31"}
    )

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {
        "amount",
        "term_months",
        "start",
        "repayment_method",
        "rate",
        "upfront_fee_pct",
        "monthly_fee_pct",
        "interest_free_periods",
        "apr",
        "ear",
        "total_interest",
        "total_fees",
        "total_repayment",
        "installments",
    }
    assert body["rate"] == {"value": "0.6000", "unit": "monthly"}
    assert body["apr"] == "13.03"
    assert body["total_repayment"] == "10720.00"
    first, second = body["installments"][:2]
    assert first == {
        "n": 1,
        "due": "2026-02-28",
        "principal": "833.33",
        "interest": "0.00",
        "fee": "60.00",
        "payment": "893.33",
        "balance": "9166.67",
    }
    assert second["due"] == "2026-03-31"
    assert body["installments"][-1]["balance"] == "0.00"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"term": "12"}, "amount"),
        ({"amount": "abc", "term": "12"}, "amount"),
        ({"amount": "999999", "term": "12"}, "amount"),
        ({"amount": "1e400", "term": "12"}, "amount"),
        ({"amount": "10000", "term": "0"}, "term"),
        ({"amount": "10000", "term": "99"}, "term"),
        ({"amount": "10000", "term": "12", "start": "31/01/2026"}, "start"),
        ({"amount": "10000", "term": "12", "start": "9999-01-01"}, "start"),
    ],
)
def test_schedule_json_rejects_bad_parameters_with_a_reason(
    client, flat_fee_product, params, parameter
):
    response = client.get(schedule_url(flat_fee_product), params, HTTP_ACCEPT_LANGUAGE="en")

    body = json.loads(response.content)
    assert response.status_code == 400
    assert body["parameter"] == parameter
    assert body["error"].startswith(f"{parameter}: ")
    assert body["error"].endswith("This product lends ¥1,000.00 to ¥50,000.00 over 3 to 24 months.")
    assert body["limits"] == {
        "min_amount": "1000.00",
        "max_amount": "50000.00",
        "min_term_months": "3",
        "max_term_months": "24",
    }


# Languages and security headers


def test_chinese_is_the_default_and_the_browser_language_is_honoured(client, daily_rate_product):
    chinese = rendered(client.get(CATALOGUE))
    english = rendered(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))

    assert 'lang="zh-Hans"' in chinese
    assert "按真实成本排列的全部贷款" in chinese
    assert 'lang="en"' in english
    assert "All loans, by true cost" in english


def test_the_language_can_be_switched(client, daily_rate_product):
    response = client.post("/i18n/setlang/", {"language": "en", "next": CATALOGUE}, follow=True)

    assert 'lang="en"' in rendered(response)


def test_pages_carry_a_strict_content_security_policy(client, daily_rate_product):
    response = client.get(CATALOGUE)

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "style=" not in rendered(response)
    assert "<script>" not in rendered(response)


def test_lenders_of_every_kind_are_labelled(client):
    for kind in Lender.Kind:
        LoanProductFactory(lender=LenderFactory(kind=kind))

    html = rendered(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en"))

    for kind in Lender.Kind:
        assert str(kind.label) in html


def test_a_lender_logo_shows_on_its_product_pages(client, daily_rate_product, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    lender = daily_rate_product.lender
    lender.logo.save("jade.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    services.save_lender(lender=lender)

    html = rendered(client.get(daily_rate_product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))

    assert f'src="/media/{lender.logo.name}" alt="Jade Bank"' in html
