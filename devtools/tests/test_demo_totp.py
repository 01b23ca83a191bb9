"""The demo staff account and the demo partner owners and managers sign in with TOTP;
demo_totp prints their codes in development."""

import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications.models import Application
from devtools.demo import load_demo
from devtools.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo_accounts
from partners.models import LenderMembership

pytestmark = pytest.mark.django_db


def demo_totp(email: str) -> str:
    out = StringIO()
    call_command("demo_totp", email, stdout=out)
    return out.getvalue().strip()


def test_the_demo_staff_account_has_the_documented_totp_secret_encrypted_at_rest():
    load_demo_accounts()

    authenticator = Authenticator.objects.get(
        user__email="admin@demo.test", type=Authenticator.Type.TOTP
    )
    assert DEMO_TOTP_SECRET not in str(authenticator.data)
    assert decrypt(authenticator.data["secret"]) == DEMO_TOTP_SECRET
    assert not Authenticator.objects.filter(user__email="borrower@demo.test").exists()


def test_loading_the_demo_accounts_twice_keeps_one_authenticator():
    load_demo_accounts()
    load_demo_accounts()

    assert Authenticator.objects.filter(user__email="admin@demo.test").count() == 1


def test_demo_totp_prints_a_code_that_takes_the_demo_staff_into_the_admin(client, settings):
    settings.DEBUG = True
    load_demo_accounts()
    client.post(
        reverse("account_login") + "?next=" + reverse("admin:index"),
        {"login": "admin@demo.test", "password": DEMO_PASSWORD},
    )

    code = demo_totp("admin@demo.test")
    entered = client.post(reverse("mfa_authenticate"), {"code": code})

    assert re.fullmatch(r"\d{6}", code)
    assert entered["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_demo_totp_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    load_demo_accounts()

    with pytest.raises(CommandError, match="DEBUG"):
        demo_totp("admin@demo.test")


@pytest.mark.parametrize("email", ["someone@example.test", "borrower@demo.test"])
def test_demo_totp_prints_codes_only_for_demo_accounts_with_an_authenticator(settings, email):
    settings.DEBUG = True
    load_demo_accounts()

    with pytest.raises(CommandError, match=email):
        demo_totp(email)


PARTNER_OWNERS_AND_MANAGERS = (
    "partner@demo.test",
    "partner-manager@demo.test",
    "partner2@demo.test",
)


@pytest.mark.parametrize("email", PARTNER_OWNERS_AND_MANAGERS)
def test_demo_totp_takes_each_demo_owner_and_manager_into_the_portal(client, settings, email):
    settings.DEBUG = True
    load_demo()
    client.post(
        reverse("account_login") + "?next=" + reverse("partners:inbox"),
        {"login": email, "password": DEMO_PASSWORD},
    )

    entered = client.post(reverse("mfa_authenticate"), {"code": demo_totp(email)})

    assert entered["Location"] == reverse("partners:inbox")
    assert client.get(reverse("partners:inbox")).status_code == 200


@pytest.mark.parametrize("email", ["partner-viewer@demo.test", "partner2-viewer@demo.test"])
def test_demo_viewers_sign_in_with_the_password_alone(client, email):
    load_demo()
    client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})

    assert client.get(reverse("partners:inbox")).status_code == 200


def test_the_demo_teams_belong_to_two_lenders():
    load_demo()

    teams = dict(LenderMembership.objects.values_list("user__email", "lender__slug"))
    assert teams["partner@demo.test"] == teams["partner-viewer@demo.test"]
    assert teams["partner2@demo.test"] == teams["partner2-viewer@demo.test"]
    assert teams["partner@demo.test"] != teams["partner2@demo.test"]


def test_lender_as_demo_team_has_applications_to_look_at():
    load_demo()
    load_demo()  # twice: still one application each

    by_lender = dict(
        LenderMembership.objects.filter(role=LenderMembership.Role.OWNER).values_list(
            "user__email", "lender"
        )
    )
    a = Application.objects.filter(lender=by_lender["partner@demo.test"])
    b = Application.objects.filter(lender=by_lender["partner2@demo.test"])
    assert a.count() == 2
    assert not b.exists()
