"""The admin signs in through allauth (rate limits, locks, TOTP), and staff need TOTP."""

import sys
import time
from urllib.parse import urlencode

import pytest
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse

from devtools.testing.accounts import STAFF_PASSWORD, totp_code
from loanmarket.mfa import requires_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_without_totp(db):
    user = get_user_model().objects.create_superuser(
        "new-staff@example.test", "new-staff@example.test", STAFF_PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def admin_index() -> str:
    return reverse("admin:index")


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def second_factor_page(next_url: str) -> str:
    return reverse("mfa_reauthenticate") + "?" + urlencode({"next": next_url})


def authentication_methods(client, user) -> list[str]:
    """What allauth recorded of how this client's session signed in (method names)."""
    request = RequestFactory().get("/")
    request.session = client.session
    return [record["method"] for record in get_authentication_records(request, user)]


def admin_form_login(client, user, password):
    """What the attacker did: post the admin's own login form."""
    return client.post(
        reverse("admin:login"),
        {"username": user.username, "password": password, "next": admin_index()},
    )


def login_where_the_admin_sends_us(client, user, password):
    """Ask the admin for its login page and sign in wherever it leads."""
    page = client.get(reverse("admin:login"), {"next": admin_index()})
    assert page.status_code == 302
    return client.post(
        page["Location"], {"login": user.email, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_the_admin_login_page_sends_visitors_to_the_site_login(client):
    response = client.get(admin_index(), follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/?" + urlencode(
        {"next": admin_index()}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "电子邮件"), ("en", "Email")])
def test_the_admin_login_asks_for_the_email(client, language, label):
    page = client.get(admin_index(), follow=True, HTTP_ACCEPT_LANGUAGE=language)

    html = page.content.decode()
    assert f'<label for="id_login">{label}</label>' in html
    assert 'type="email" name="login"' in html
    assert 'name="username"' not in html


def test_twelve_wrong_admin_passwords_then_the_right_one_are_refused(client, staff_without_totp):
    for _ in range(12):
        admin_form_login(client, staff_without_totp, "wrong")
        login_where_the_admin_sends_us(client, staff_without_totp, "wrong")

    posted = admin_form_login(client, staff_without_totp, STAFF_PASSWORD)
    assert not signed_in(client)
    assert posted.status_code == 302  # the admin's own form checks nothing
    refused = login_where_the_admin_sends_us(client, staff_without_totp, STAFF_PASSWORD)

    assert "Too many failed login attempts" in refused.content.decode()
    assert not signed_in(client)
    assert client.get(admin_index()).status_code == 302


def test_an_account_locked_at_the_site_login_cannot_sign_in_at_the_admin(
    client, staff_without_totp
):
    for _ in range(6):
        client.post("/accounts/login/", {"login": staff_without_totp.email, "password": "wrong"})

    admin_form_login(client, staff_without_totp, STAFF_PASSWORD)
    assert not signed_in(client)
    refused = login_where_the_admin_sends_us(client, staff_without_totp, STAFF_PASSWORD)

    assert "Too many failed login attempts" in refused.content.decode()
    assert not signed_in(client)


def test_a_staff_account_with_totp_needs_its_code_to_enter_the_admin(client, staff_user):
    admin_form_login(client, staff_user, STAFF_PASSWORD)
    assert not signed_in(client)

    step = login_where_the_admin_sends_us(client, staff_user, STAFF_PASSWORD)
    assert step["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get(admin_index()).status_code == 302

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert not signed_in(client)
    assert wrong.status_code == 200
    entered = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_user)})

    assert signed_in(client)
    assert entered["Location"] == admin_index()
    assert client.get(admin_index()).status_code == 200


def every_admin_page() -> list[str]:
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse("admin:app_list", args=[meta.app_label]))
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return sorted(set(pages))


def test_a_staff_account_without_totp_is_sent_to_set_it_up_from_every_admin_page(
    client, staff_without_totp
):
    client.force_login(staff_without_totp)

    for page in every_admin_page():
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == reverse("mfa_activate_totp"), page
    assert client.post(reverse("admin:logout")).status_code == 302
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


# allauth announces a new authenticator once its transaction commits, as in production.
@pytest.mark.django_db(transaction=True)
def test_a_new_staff_member_sets_up_totp_and_then_the_admin_opens(client, staff_without_totp):
    landed = login_where_the_admin_sends_us(client, staff_without_totp, STAFF_PASSWORD)
    assert signed_in(client)
    assert landed["Location"] == admin_index()

    held = client.get(admin_index(), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert held.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert "needs two-factor authentication" in held.content.decode()
    assert client.get("/static/css/site.css").status_code == 200
    # allauth asks for the password again before adding an authenticator.
    client.post(held.redirect_chain[-1][0], {"password": STAFF_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]  # the one its QR code shows
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    client.post(
        reverse("mfa_activate_totp"), {"code": format_hotp_value(hotp_value(secret, counter))}
    )

    assert authentication_methods(client, staff_without_totp) == ["password", "password", "mfa"]
    assert client.get(admin_index()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_staff_member_signed_in_by_password_alone_who_sets_up_totp_may_enter_the_admin(
    client, staff_without_totp
):
    client.force_login(staff_without_totp)
    client.post(reverse("account_reauthenticate"), {"password": STAFF_PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    client.post(
        reverse("mfa_activate_totp"), {"code": format_hotp_value(hotp_value(secret, counter))}
    )

    assert client.get(admin_index()).status_code == 200


def test_a_staff_session_that_skipped_the_second_factor_is_asked_for_it_on_every_admin_page(
    client, staff_user
):
    client.force_login(staff_user)  # a password-only session: no "mfa" record

    for page in every_admin_page():
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == second_factor_page(page), page


def test_a_staff_session_that_skipped_the_second_factor_enters_the_admin_with_its_code(
    client, staff_user
):
    client.force_login(staff_user)
    asked = client.get(admin_index(), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.redirect_chain == [(second_factor_page(admin_index()), 302)]
    assert "Enter the code from your authenticator app" in asked.content.decode()

    wrong = client.post(second_factor_page(admin_index()), {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get(admin_index())["Location"] == second_factor_page(admin_index())
    entered = client.post(second_factor_page(admin_index()), {"code": totp_code(staff_user)})

    assert entered["Location"] == admin_index()
    assert authentication_methods(client, staff_user) == ["mfa"]
    assert client.get(admin_index()).status_code == 200


def test_the_second_factor_page_offers_staff_no_way_round_it(client, staff_user):
    """Their password or an emailed sign-in code would only lead back to the code page."""
    client.force_login(staff_user)

    page = client.get(second_factor_page(admin_index()), HTTP_ACCEPT_LANGUAGE="en")
    content = page.content.decode()

    assert page.status_code == 200
    assert "Use your password" not in content
    assert reverse("account_reauthenticate") not in content
    assert reverse("account_request_reauthentication_code") not in content


def test_a_staff_session_that_skipped_the_second_factor_cannot_reach_it_by_recovery_codes(
    client, staff_user
):
    """The password would unlock allauth's recovery codes, and a recovery code is a second
    factor: until this session passes it, only the code page and logout are open."""
    client.force_login(staff_user)

    for name in (
        "account_reauthenticate",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "account_email",
        "account_change_password",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == second_factor_page(reverse(name)), name
    refused = client.post(reverse("account_reauthenticate"), {"password": STAFF_PASSWORD})

    assert refused["Location"] == second_factor_page(reverse("account_reauthenticate"))
    assert authentication_methods(client, staff_user) == []


def test_a_staff_session_that_skipped_the_second_factor_keeps_the_plain_endpoints(
    client, staff_user
):
    client.force_login(staff_user)

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/site.css").status_code == 200
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/loans/"})
    assert switched["Location"] == "/loans/"
    assert client.get(reverse("partner_api:openapi-json")).status_code == 200
    client.post(reverse("account_logout"))
    assert not signed_in(client)


def test_the_staff_client_passed_both_factors_through_allauth(staff_client, staff_user):
    assert authentication_methods(staff_client, staff_user) == ["password", "mfa"]


def test_a_staff_member_without_totp_can_still_log_out(client, staff_without_totp):
    login_where_the_admin_sends_us(client, staff_without_totp, STAFF_PASSWORD)

    client.post(reverse("account_logout"))

    assert not signed_in(client)


def test_a_borrower_signs_in_without_a_second_factor_and_is_kept_out_of_the_admin(client, borrower):
    client.post("/accounts/login/", {"login": borrower.email, "password": "correct horse battery"})

    assert signed_in(client)
    assert not requires_mfa(borrower)
    assert client.get(reverse("applications:profile")).status_code == 200
    assert client.get(admin_index(), follow=True).status_code == 403


def test_staff_require_two_factor_and_borrowers_do_not(staff_user, borrower):
    assert requires_mfa(staff_user)
    assert not requires_mfa(borrower)


def test_a_staff_member_cannot_switch_their_totp_off(client, staff_user):
    login_where_the_admin_sends_us(client, staff_user, STAFF_PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_user)})
    cache.clear()  # the sign-in code is spent; the next one may be the same
    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(staff_user)})

    refused = client.post(reverse("mfa_deactivate_totp"), HTTP_ACCEPT_LANGUAGE="en")

    assert "You cannot deactivate two-factor authentication" in refused.content.decode()
    assert Authenticator.objects.filter(user=staff_user, type=Authenticator.Type.TOTP).exists()


@pytest.fixture
def admin_url(settings):
    """Rebuilds the root URLconf with ``settings.ADMIN_URL`` set by the test."""
    original, login = sys.modules["loanmarket.urls"], admin.site.login

    def move(path: str) -> None:
        settings.ADMIN_URL = path
        del sys.modules["loanmarket.urls"]
        clear_url_caches()

    yield move
    sys.modules["loanmarket.urls"] = original
    admin.site.login = login
    clear_url_caches()


def test_admin_url_moves_the_admin(client, staff_client, admin_url):
    admin_url("manage-7f3a/")

    assert reverse("admin:index") == "/manage-7f3a/"
    assert staff_client.get("/manage-7f3a/").status_code == 200
    assert staff_client.get("/admin/").status_code == 404
