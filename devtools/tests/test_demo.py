import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from devtools.demo import load_demo
from lenders.models import Lender, LoanProduct

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_kind_category_and_method():
    load_demo()

    published = LoanProduct.objects.filter(status=LoanProduct.Status.PUBLISHED)
    assert Lender.objects.count() >= 8
    assert LoanProduct.objects.count() >= 40
    assert set(Lender.objects.values_list("kind", flat=True)) == set(Lender.Kind.values)
    assert set(published.values_list("category", flat=True)) == set(LoanProduct.Category.values)
    assert set(published.values_list("repayment_method", flat=True)) == set(
        LoanProduct.RepaymentMethod.values
    )
    assert not published.filter(apr_max__gt=24).exists()


def test_demo_accounts_can_log_in(client):
    load_demo()

    users = get_user_model().objects
    assert users.get(username="admin@demo.test").is_staff
    assert not users.get(username="borrower@demo.test").is_staff
    assert client.login(username="admin@demo.test", password="loanmarket-demo")


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    before = list(LoanProduct.objects.order_by("pk").values_list("pk", "updated_at", "status"))
    lenders_before = list(Lender.objects.order_by("pk").values_list("pk", "updated_at"))

    load_demo()

    assert (
        list(LoanProduct.objects.order_by("pk").values_list("pk", "updated_at", "status")) == before
    )
    assert list(Lender.objects.order_by("pk").values_list("pk", "updated_at")) == lenders_before


def test_load_demo_refuses_to_run_with_debug_off(settings):
    """Under production settings it would create a superuser with the published password."""
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")

    assert not get_user_model().objects.filter(username="admin@demo.test").exists()


def test_load_demo_runs_with_debug_on(settings):
    settings.DEBUG = True

    call_command("load_demo", stdout=StringIO())

    assert get_user_model().objects.filter(username="admin@demo.test", is_staff=True).exists()


CJK = r"[\u4e00-\u9fff]"
HALF_WIDTH_BESIDE_CHINESE = rf"{CJK}\s*[,.:;?!()]|[,:;?!()]\s*{CJK}"


def test_demo_lenders_and_products_are_named_in_chinese_and_in_english():
    load_demo()

    texts = []
    for lender in Lender.objects.all():
        assert re.search(CJK, lender.name), lender.name
        assert re.search(CJK, lender.licence_authority), lender.licence_authority
        assert not re.search(CJK, lender.name_en + lender.licence_authority_en), lender.name_en
        assert all((lender.name_en, lender.licence_authority_en, lender.description_en))
        texts += [lender.name, lender.licence_authority, lender.description]
    for product in LoanProduct.objects.all():
        assert re.search(CJK, product.name), product.name
        assert not re.search(CJK, product.name_en), product.name_en
        assert all((product.name_en, product.description_en, product.early_repayment_terms_en))
        texts += [product.name, product.description, product.early_repayment_terms]
    for text in texts:
        assert not re.search(HALF_WIDTH_BESIDE_CHINESE, text), text
