"""Borrower fixtures, shared by every app's tests (registered in the root conftest)."""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from applications import services
from applications.models import BorrowerProfile

VALID_ID = "110101199003074477"  # GB 11643 checksum holds; born 1990-03-07


@pytest.fixture
def borrower(db):
    """A signed-up borrower with a verified email and an empty profile."""
    user = get_user_model().objects.create_user(
        username="li@example.test", email="li@example.test", password="correct horse battery"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    services.create_profile(user=user)
    return user


@pytest.fixture
def full_profile(borrower):
    return services.update_profile(
        user=borrower,
        fields={
            "full_name": "李娜",
            "mobile": "13912345678",
            "national_id": VALID_ID,
            "date_of_birth": datetime.date(1990, 3, 7),
            "city": "beijing",
            "occupation": "salaried",
            "employer": "示例有限公司",
            "months_in_job": 24,
            "monthly_income": Decimal("12000"),
            "has_social_insurance": True,
            "has_housing_fund": True,
            "has_credit_card": False,
            "monthly_debt_payments": Decimal("1000"),
        },
    )


@pytest.fixture
def borrower_client(client, borrower):
    client.force_login(borrower)
    return client


def submit(borrower, product, *, amount: str = "20000", term_months: int = 12):
    """Apply to ``product`` as the site does: consenting to exactly what its review page
    shows now (the signed disclosure of the current profile and price)."""
    shown = services.disclose(
        profile=BorrowerProfile.objects.get(user=borrower),
        product=product,
        amount=Decimal(amount),
        term_months=term_months,
    )
    return services.submit_application(
        borrower=borrower,
        product=product,
        amount=Decimal(amount),
        term_months=term_months,
        purpose="consumption",
        consent=shown.signed(),
        ip_address="127.0.0.1",
    )
