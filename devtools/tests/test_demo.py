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
