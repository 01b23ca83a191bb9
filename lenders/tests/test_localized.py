"""Catalogue text in the reader's language: Chinese by default, English on the English site
where it is filled in, Chinese again where it is not."""

import pytest
from django.core import mail
from django.utils import translation

from applications import services
from devtools.testing.fixtures import submit
from lenders.models import Lender
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/loans/"
MATCH = {
    "amount": "20000",
    "term": "12",
    "purpose": "consumption",
    "age_band": "25-34",
    "city": "beijing",
    "occupation": "salaried",
    "income_band": "8000-12000",
}


@pytest.fixture
def bilingual(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return LoanProductFactory(
            name="薪享快贷",
            name_en="Salary Express",
            description="线上申请，放款至本人银行卡。",
            description_en="Apply online; paid into your own bank card.",
            early_repayment_terms="第三期后免费提前还款。",
            early_repayment_terms_en="Free after the third installment.",
            lender=LenderFactory(
                slug="harbour",
                name="海港银行",
                name_en="Harbour Bank",
                kind=Lender.Kind.BANK,
                licence_authority="国家金融监督管理总局上海监管局",
                licence_authority_en="NFRA Shanghai Office",
                description="演示用的虚构银行。",
                description_en="A fictional bank.",
            ),
        )


@pytest.fixture
def chinese_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return LoanProductFactory(
            name="山茶日日借",
            early_repayment_terms="随时免费提前还款。",
            lender=LenderFactory(name="山茶网络小贷", kind=Lender.Kind.MICROLOAN),
        )


def page(client, url, language, **params) -> str:
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_product_page_shows_each_text_in_the_readers_language(client, bilingual):
    url = bilingual.get_absolute_url()
    chinese, english = page(client, url, "zh-hans"), page(client, url, "en")

    shown = ("薪享快贷", "海港银行", "上海监管局", "放款至本人银行卡", "第三期后免费", "虚构银行")
    for text in shown:
        assert text in chinese, text
    for text in (
        "Salary Express",
        "Harbour Bank",
        "NFRA Shanghai Office",
        "paid into your own bank card",
        "Free after the third installment",
        "A fictional bank",
    ):
        assert text in english, text
        assert text not in chinese, text
    assert "薪享快贷" not in english
    assert "海港银行" not in english


def test_the_english_site_shows_the_chinese_text_where_no_english_is_given(client, chinese_only):
    english = page(client, chinese_only.get_absolute_url(), "en")

    assert "山茶日日借" in english
    assert "山茶网络小贷" in english
    assert "随时免费提前还款" in english


def test_the_catalogue_and_home_are_cached_per_language(client, bilingual, chinese_only):
    """The page cache keys each page by its language: the English page is never the
    Chinese one served again."""
    for url in ("/", CATALOGUE):
        chinese, english = page(client, url, "zh-hans"), page(client, url, "en")
        again = page(client, url, "zh-hans")
        assert "薪享快贷" in chinese, url
        assert "Salary Express" not in chinese, url
        assert "Salary Express" in english, url
        assert "薪享快贷" not in english, url
        assert "山茶日日借" in english, url
        assert "薪享快贷" in again, url
        assert "Salary Express" not in again, url


@pytest.mark.parametrize("n_products", [5, 100])
def test_english_names_cost_no_query_per_row(client, django_assert_max_num_queries, n_products):
    LoanProductFactory.create_batch(
        n_products, name_en="Named Loan", lender__name_en="Named Lender"
    )

    with django_assert_max_num_queries(3):  # the count, the page, the products at their cap
        english = page(client, CATALOGUE, "en", amount="5000", term="12")

    assert english.count("Named Lender") >= min(n_products, 10)


def test_match_results_name_products_and_lenders_in_the_readers_language(client, bilingual):
    chinese = page(client, "/match/", "zh-hans", **MATCH)
    english = page(client, "/match/", "en", **MATCH)

    assert "薪享快贷" in chinese
    assert "海港银行" in chinese
    assert "Salary Express" in english
    assert "Harbour Bank" in english
    assert "薪享快贷" not in english


def test_the_application_pages_name_the_lender_in_the_readers_language(
    borrower_client, borrower, full_profile, bilingual
):
    review = page(
        borrower_client,
        f"/applications/apply/{bilingual.lender.slug}/{bilingual.slug}/",
        "en",
        amount="20000",
        term="12",
        purpose="consumption",
    )
    assert "Salary Express from Harbour Bank" in review
    assert "NFRA Shanghai Office" in review

    application = submit(borrower, bilingual)
    listed = page(borrower_client, "/applications/", "en")
    detail = page(borrower_client, application.get_absolute_url(), "en")
    chinese = page(borrower_client, application.get_absolute_url(), "zh-hans")

    assert "Salary Express" in listed
    assert "Harbour Bank" in listed
    assert "Salary Express" in detail
    assert "Harbour Bank" in detail
    assert "薪享快贷" in chinese
    assert "海港银行" in chinese
    # The record keeps the legal (Chinese) name, whatever the language of the page.
    assert application.consent.lender_name == "海港银行"


def test_the_decision_email_names_the_site_lender_and_product(
    borrower, full_profile, bilingual, django_capture_on_commit_callbacks
):
    application = submit(borrower, bilingual)
    mail.outbox.clear()

    services.notify_decision(application_id=application.pk)

    message = mail.outbox[-1]
    assert message.subject.startswith("[贷款超市] 海港银行")
    assert "海港银行" in message.body
    assert "薪享快贷" in message.body
    assert "贷款超市" in message.body
    assert "Harbour Bank" not in message.body


def test_in_language_falls_back_to_chinese_for_a_blank_english_text():
    lender = Lender(name="海港银行", name_en="", licence_authority="上海监管局")

    with translation.override("en"):
        assert lender.display_name == "海港银行"
        lender.name_en = "Harbour Bank"
        assert lender.display_name == "Harbour Bank"
    with translation.override("zh-hans"):
        assert lender.display_name == "海港银行"
        assert lender.display_licence_authority == "上海监管局"
