import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from applications.models import Application
from devtools.testing.fixtures import submit
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return LoanProductFactory(
        lender=LenderFactory(name="Harbour Bank", slug="harbour"),
        slug="salary",
        name="Salary Loan",
        max_amount=Decimal("200000"),
        monthly_fee_pct=Decimal("0.2"),
        upfront_fee_pct=Decimal("1"),
    )


APPLY = "/applications/apply/harbour/salary/"
ASK = {"amount": "20000", "term": "12", "purpose": "consumption"}


def test_the_review_discloses_the_cost_and_exactly_what_is_shared(
    borrower_client, full_profile, product
):
    response = borrower_client.get(APPLY, ASK, HTTP_ACCEPT_LANGUAGE="en")

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Harbour Bank" in html
    assert product.lender.licence_number in html
    for label in (
        "APR",
        "Monthly payment",
        "Total interest",
        "Upfront fee",
        "Monthly guarantee or service fee",
        "Total repayment",
    ):
        assert label in html
    assert "¥200.00" in html  # the 1 % upfront fee on ¥20,000
    assert "What Harbour Bank will receive" in html
    assert "139****5678" in html  # the mobile is in the list, masked
    assert "13912345678" not in html


def test_an_incomplete_profile_is_sent_to_finish_and_back(borrower_client, product):
    response = borrower_client.get(APPLY, ASK)

    assert response.status_code == 302
    assert response["Location"].startswith("/applications/profile/identity/?next=")
    assert "%2Fapplications%2Fapply%2Fharbour%2Fsalary%2F" in response["Location"]


def test_applying_needs_explicit_consent(borrower_client, full_profile, product):
    response = borrower_client.post(
        APPLY + "?" + "amount=20000&term=12", ASK, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "Without your consent" in response.content.decode()
    assert not Application.objects.exists()


def test_consenting_applies_and_shows_the_timeline(borrower_client, full_profile, product):
    response = borrower_client.post(
        APPLY, {**ASK, "consent": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    application = Application.objects.get()
    assert response.redirect_chain[-1][0] == f"/applications/{application.id}/"
    assert "With the lender" in response.content.decode()  # no API: the portal inbox
    assert application.consent.lender_name == "Harbour Bank"


def test_double_submission_makes_one_application(borrower_client, full_profile, product):
    borrower_client.post(APPLY, {**ASK, "consent": "on"})
    borrower_client.post(APPLY, {**ASK, "consent": "on"})

    assert Application.objects.count() == 1


def test_an_amount_outside_the_range_cannot_be_applied_for(borrower_client, full_profile, product):
    response = borrower_client.get(APPLY, {**ASK, "amount": "999999"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "This product lends from" in response.content.decode()


def test_the_dashboard_lists_only_the_borrowers_own(
    borrower_client, borrower, full_profile, product, django_assert_max_num_queries
):
    mine = submit(borrower, product)

    with django_assert_max_num_queries(3):
        response = borrower_client.get("/applications/")

    assert str(mine.get_absolute_url()) in response.content.decode()


def test_another_borrowers_application_is_404(client, borrower, full_profile, product):
    application = submit(borrower, product)
    stranger = get_user_model().objects.create_user(username="s", email="s@example.test")
    client.force_login(stranger)

    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.post(f"/applications/{application.id}/withdraw/").status_code == 404
    assert client.get(f"/applications/{uuid.uuid4()}/").status_code == 404
    application.refresh_from_db()
    assert application.status != Application.Status.WITHDRAWN


def test_the_borrower_withdraws_before_a_decision(borrower_client, borrower, full_profile, product):
    application = submit(borrower, product)

    borrower_client.post(f"/applications/{application.id}/withdraw/")

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
