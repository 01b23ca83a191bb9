"""Applications for the partner portal's demo teams to look at, from fictional borrowers
who cannot sign in (no usable password), in lender A's inbox. Lender B answers through the
sandbox lender, so an application to it is left to the demo's own borrower (a queued
delivery here would reach the sandbox in every test and journey that loads the demo)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from applications import services
from applications.models import Application
from lenders.models import LoanProduct

from .accounts import PORTAL_LENDER_A

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# (email, name, mobile, ID number without its check digit, lender, product, amount, term)
APPLICANTS = (
    (
        "applicant1@demo.test",
        "王芳",
        "13700137001",
        "11010519880415202",
        PORTAL_LENDER_A,
        "personal",
        "30000",
        12,
    ),
    (
        "applicant2@demo.test",
        "刘洋",
        "13700137002",
        "31010419920823301",
        PORTAL_LENDER_A,
        "flexible",
        "8000",
        6,
    ),
)


def _with_check_digit(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True))
    return digits + "10X98765432"[total % 11]


@transaction.atomic
def load_demo_applications() -> None:
    """Each fictional applicant applies once; a second run changes nothing."""
    users = get_user_model().objects
    for email, name, mobile, digits, lender, product_slug, amount, term in APPLICANTS:
        user, created = users.get_or_create(username=email, defaults={"email": email})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            services.create_profile(user=user)
        if Application.objects.filter(borrower=user).exists():
            continue
        national_id = _with_check_digit(digits)
        profile = services.update_profile(
            user=user,
            fields={
                "full_name": name,
                "mobile": mobile,
                "national_id": national_id,
                "date_of_birth": datetime.date(
                    int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
                ),
                "city": "beijing",
                "occupation": "salaried",
                "employer": "示例贸易有限公司",
                "position": "主管",
                "months_in_job": 48,
                "monthly_income": Decimal("15000"),
                "has_social_insurance": True,
                "has_housing_fund": True,
                "has_credit_card": True,
                "monthly_debt_payments": Decimal("800"),
            },
        )
        product = LoanProduct.objects.get(lender__slug=lender, slug=product_slug)
        shown = services.disclose(
            profile=profile, product=product, amount=Decimal(amount), term_months=term
        )
        services.submit_application(
            borrower=user,
            product=product,
            amount=Decimal(amount),
            term_months=term,
            purpose="consumption",
            consent=shown.signed(),
            ip_address="127.0.0.1",
        )
