"""Staff fixtures (registered in the root conftest): staff sign in with TOTP, so the
fixture's superuser has an authenticator, as every real staff account must, and the staff
client signs in through allauth's own two steps, as a person does."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.urls import reverse

from devtools.demo.accounts import current_totp_code, totp_of
from partners.models import LenderMembership

STAFF_PASSWORD = "a-long-staff-passphrase"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def staff_user(db):
    """A superuser with a TOTP authenticator (secret ``STAFF_TOTP_SECRET``)."""
    user = get_user_model().objects.create_superuser(
        "staff@example.test", "staff@example.test", STAFF_PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    TOTP.activate(user, STAFF_TOTP_SECRET)
    return user


@pytest.fixture
def staff_client(client, staff_user):
    """A test client signed in as ``staff_user`` through allauth: its password at
    /accounts/login/, then its TOTP code; the session holds both authentication records."""
    password = client.post(
        reverse("account_login"), {"login": staff_user.email, "password": STAFF_PASSWORD}
    )
    assert password["Location"] == reverse("mfa_authenticate"), password
    code = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_user)})
    assert code.status_code == 302, code
    assert "_auth_user_id" in client.session
    return client


def totp_code(user) -> str:
    """The code ``user``'s authenticator app shows now."""
    return current_totp_code(totp_of(user))


MEMBER_PASSWORD = "a-long-member-passphrase"


def create_member(lender, role: str, *, email: str = ""):
    """An account in ``lender``'s team with ``role``; owners and managers have a TOTP
    authenticator (secret ``STAFF_TOTP_SECRET``), as the policy requires."""
    email = email or f"{role}@{lender.slug}.example.test"
    user = get_user_model().objects.create_user(email, email, MEMBER_PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    membership = LenderMembership.objects.create(user=user, lender=lender, role=role)
    if membership.requires_mfa:
        TOTP.activate(user, STAFF_TOTP_SECRET)
    return user


def sign_in(client, user, password: str = MEMBER_PASSWORD):
    """Sign ``client`` in as ``user`` through allauth, as a person does: the password, then
    the TOTP code if the account has an authenticator."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response
    if response["Location"] == reverse("mfa_authenticate"):
        code = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
        assert code.status_code == 302, code
    assert "_auth_user_id" in client.session
    return client
