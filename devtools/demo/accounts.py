"""Demo accounts: a staff member (with TOTP), a borrower whose profile is filled in
(fictional), and two lenders' partner-portal teams (owners and managers with TOTP)."""

import datetime
import time
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.db import transaction

from applications import services
from applications.selectors import profile_of
from lenders.models import Lender
from partners.models import LenderMembership

DEMO_PASSWORD = "loanmarket-demo"  # noqa: S105 - documented demo login
# The demo staff account's TOTP secret (base32), published in the README: add it to any
# authenticator app, or print the current code with `manage.py demo_totp admin@demo.test`.
DEMO_TOTP_SECRET = "LOANMARKETDEMOSTAFFTOTPSECRETABC"  # noqa: S105 - documented demo secret
ACCOUNTS = (("admin@demo.test", True), ("borrower@demo.test", False))
# The partner portal's demo teams: lender A takes applications in the portal's inbox (it has
# no API), lender B answers through the sandbox lender. Owners and managers use TOTP with
# the same documented secret as the staff account.
PORTAL_LENDER_A = "bamboo-exchange"
PORTAL_LENDER_B = "huaxia-harbour"
TEAMS = (
    ("partner@demo.test", PORTAL_LENDER_A, LenderMembership.Role.OWNER),
    ("partner-manager@demo.test", PORTAL_LENDER_A, LenderMembership.Role.MANAGER),
    ("partner-viewer@demo.test", PORTAL_LENDER_A, LenderMembership.Role.VIEWER),
    ("partner2@demo.test", PORTAL_LENDER_B, LenderMembership.Role.OWNER),
    ("partner2-viewer@demo.test", PORTAL_LENDER_B, LenderMembership.Role.VIEWER),
)
DEMO_EMAILS = frozenset(
    [email for email, _staff in ACCOUNTS] + [email for email, _lender, _role in TEAMS]
)
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


def _account(email: str, *, staff: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=email, defaults={"email": email, "is_staff": staff, "is_superuser": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load_demo_teams() -> None:
    """The two demo lenders' portal teams (after the catalogue); a second run changes
    nothing."""
    for email, slug, role in TEAMS:
        user = _account(email)
        LenderMembership.objects.get_or_create(
            user=user, defaults={"lender": Lender.objects.get(slug=slug), "role": role}
        )
        if role != LenderMembership.Role.VIEWER and not totp_of(user):
            TOTP.activate(user, DEMO_TOTP_SECRET)


@transaction.atomic
def load_demo_accounts() -> None:
    """Create the demo accounts once; a second run changes nothing."""
    for email, staff in ACCOUNTS:
        user = _account(email, staff=staff)
        if staff and not totp_of(user):
            # Through allauth, so the secret is encrypted by our MFA adapter.
            TOTP.activate(user, DEMO_TOTP_SECRET)
        if not staff:
            profile = profile_of(user)
            if profile is None or not profile.national_id:
                services.update_profile(user=user, fields=BORROWER_PROFILE)


def totp_of(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def current_totp_code(authenticator: Authenticator) -> str:
    """The code this authenticator's app shows now (allauth's own TOTP arithmetic)."""
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
