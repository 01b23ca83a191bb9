"""Demo accounts: a staff member and a borrower whose profile is filled in (fictional)."""

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from applications import services
from applications.selectors import profile_of

DEMO_PASSWORD = "loanmarket-demo"  # noqa: S105 - documented demo login
ACCOUNTS = (("admin@demo.test", True), ("borrower@demo.test", False))
# A fictional person; the ID number is valid (GB 11643) but belongs to no one we know.
BORROWER_PROFILE = {
    "full_name": "张伟",
    "mobile": "13800138000",
    "national_id": "110101199003074477",
    "date_of_birth": datetime.date(1990, 3, 7),
    "city": "beijing",
    "occupation": "salaried",
    "employer": "北京示例科技有限公司",
    "position": "工程师",
    "months_in_job": 36,
    "monthly_income": Decimal("12000"),
    "has_social_insurance": True,
    "has_housing_fund": True,
    "has_credit_card": True,
    "monthly_debt_payments": Decimal("1500"),
}


@transaction.atomic
def load_demo_accounts() -> None:
    """Create the demo accounts once; a second run changes nothing."""
    users = get_user_model().objects
    for email, staff in ACCOUNTS:
        user, created = users.get_or_create(
            username=email, defaults={"email": email, "is_staff": staff, "is_superuser": staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if not staff:
            profile = profile_of(user)
            if profile is None or not profile.national_id:
                services.update_profile(user=user, fields=BORROWER_PROFILE)
