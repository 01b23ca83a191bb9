import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from lenders.models import Lender, LoanProduct

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_kind_category_and_method():
    call_command("load_demo", stdout=None)

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
    call_command("load_demo")

    users = get_user_model().objects
    assert users.get(username="admin@demo.test").is_staff
    assert not users.get(username="borrower@demo.test").is_staff
    assert client.login(username="admin@demo.test", password="loanmarket-demo")


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo")
    before = list(LoanProduct.objects.order_by("pk").values_list("pk", "updated_at", "status"))
    lenders_before = list(Lender.objects.order_by("pk").values_list("pk", "updated_at"))

    call_command("load_demo")

    assert (
        list(LoanProduct.objects.order_by("pk").values_list("pk", "updated_at", "status")) == before
    )
    assert list(Lender.objects.order_by("pk").values_list("pk", "updated_at")) == lenders_before
