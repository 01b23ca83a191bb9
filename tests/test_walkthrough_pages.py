"""Pages fixed after walking the journey (issue 10): a single APR is not a range, the
timeline and the admin speak in labels with the language's own colon, and a Chinese full
stop is not followed by a space."""

import re

import pytest
from django.contrib.auth import get_user_model

from devtools.demo import load_demo
from devtools.testing.accounts import STAFF_PASSWORD
from devtools.testing.fixtures import submit
from lenders.models import LoanProduct

pytestmark = pytest.mark.django_db

CJK = r"[\u4e00-\u9fff]"


def test_a_product_with_one_apr_shows_it_once_in_the_catalogue_and_on_its_page(client):
    load_demo()
    catalogue = client.get("/loans/?category=cash", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    product = client.get(
        "/loans/huaxia-harbour/salary-express/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "APR 3.60%" in catalogue
    assert "3.60% – 3.60%" not in catalogue
    assert "3.60% – 3.60%" not in product


def test_a_chinese_example_has_no_space_after_its_full_stop(client):
    load_demo()
    catalogue = client.get("/loans/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    examples = re.findall(r'<p class="example">(.*?)</p>', catalogue, re.S)
    with_fee = [text for text in examples if "实际到手" in text]
    assert with_fee
    for text in with_fee:
        words = re.sub(r"<[^>]+>", "", text).strip()
        assert not re.search(rf"。\s+{CJK}", words), words


def demo_application():
    """The demo borrower's application to the demo's one-APR cash loan."""
    load_demo()
    borrower = get_user_model().objects.get(email="borrower@demo.test")
    return borrower, submit(borrower, LoanProduct.objects.get(slug="salary-express"))


def test_the_timeline_uses_a_chinese_colon(client):
    borrower, application = demo_application()
    client.force_login(borrower)

    page = client.get(
        application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    english = client.get(
        application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "您：已提交" in page
    assert "You: Submitted" in english


def test_the_admin_shows_an_events_statuses_by_their_labels(staff_client):
    _borrower, application = demo_application()

    page = staff_client.get(
        f"/admin/applications/application/{application.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    chinese = staff_client.get(
        f"/admin/applications/application/{application.pk}/change/",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()

    assert "→ Submitted" in page
    assert "→ submitted" not in page
    assert "编号：" in chinese  # the label suffix is full-width in Chinese


def test_the_two_factor_pages_cancel_is_not_dressed_as_the_main_action(client, staff_user):
    client.post("/accounts/login/", {"login": staff_user.email, "password": STAFF_PASSWORD})
    page = client.get("/accounts/2fa/authenticate/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    buttons = re.findall(r'<button class="([^"]*)"[^>]*>\s*([^<]+?)\s*</button>', page)
    assert ("button primary", "Sign In") in buttons
    assert ("button secondary", "Cancel") in buttons


def test_the_applications_list_names_the_lender_once(staff_client):
    demo_application()

    page = staff_client.get(
        "/admin/applications/application/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "column-product" in page
    assert "column-status" in page
    assert "column-lender" not in page
