import re
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import QueryDict
from django.test import Client

from applications.models import BorrowerProfile

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-borrower-passphrase"


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def sign_up(client, email="new@example.test"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_signing_up_sends_a_verification_email_and_creates_an_empty_profile(client):
    response = sign_up(client)

    user = get_user_model().objects.get(email="new@example.test")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert BorrowerProfile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified


def test_an_unverified_account_cannot_log_in_until_the_link_is_followed(client):
    sign_up(client)
    client.logout()

    blocked = client.post(
        "/accounts/login/", {"login": "new@example.test", "password": PASSWORD}, follow=True
    )
    assert blocked.redirect_chain[-1][0].startswith("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session

    confirm_url = link_in(mail.outbox[-1])
    client.get(confirm_url)
    confirmed = client.post(confirm_url, follow=True)

    assert EmailAddress.objects.get(email="new@example.test").verified
    assert "_auth_user_id" in client.session
    assert confirmed.redirect_chain[-1][0] == "/applications/profile/"


def test_a_verification_link_opened_in_another_browser_still_leads_back_to_the_offer(client):
    """Signed up on a laptop, verified from the phone's mail app: the return address is in
    the link itself, encoded, and survives the log-in that the other browser needs."""

    offer = "/applications/apply/harbour/salary/?amount=20000&term=12&purpose=education"
    client.post(
        "/accounts/signup/?" + urlencode({"next": offer}),
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD, "next": offer},
    )
    link = link_in(mail.outbox[-1])
    assert link.endswith("?" + urlencode({"next": offer}))

    phone = Client()
    page = phone.get(link).content.decode()
    assert 'name="next"' in page
    confirmed = phone.post(link, {"next": offer})

    assert EmailAddress.objects.get(email="new@example.test").verified
    assert confirmed["Location"] == offer
    login = phone.get(offer)
    path, _, query = login["Location"].partition("?")
    assert (path, QueryDict(query)["next"]) == ("/accounts/login/", offer)
    logged_in = phone.post(
        login["Location"], {"login": "new@example.test", "password": PASSWORD, "next": offer}
    )
    assert logged_in["Location"] == offer


def test_the_first_visits_channel_is_kept_with_the_user_at_sign_up(client):
    client.get("/loans/?utm_source=wechat-ad")
    client.get("/?channel=somewhere-else")  # a later visit does not overwrite it

    sign_up(client)

    assert BorrowerProfile.objects.get(user__email="new@example.test").channel == "wechat-ad"


def test_a_malformed_channel_is_ignored(client):
    client.get("/loans/", {"utm_source": "<script>alert(1)</script>"})

    sign_up(client)

    assert BorrowerProfile.objects.get(user__email="new@example.test").channel == ""


def test_login_with_email_and_password_and_logout(client, borrower):
    wrong = client.post(
        "/accounts/login/",
        {"login": borrower.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "not correct" in wrong.content.decode()

    client.post("/accounts/login/", {"login": borrower.email, "password": "correct horse battery"})
    assert client.session["_auth_user_id"] == str(borrower.pk)

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, borrower):
    client.post("/accounts/password/reset/", {"email": borrower.email})
    reset_url = link_in(mail.outbox[-1])

    form_url = client.get(reset_url, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )

    assert client.login(username=borrower.username, password="a-brand-new-passphrase")


def test_a_signed_in_borrower_changes_their_password(borrower_client, borrower):
    borrower_client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct horse battery",
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )

    borrower.refresh_from_db()
    assert borrower.check_password("another-long-passphrase")


def test_repeated_failed_logins_are_rate_limited(client, borrower):
    for _ in range(6):
        response = client.post(
            "/accounts/login/",
            {"login": borrower.email, "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert "Too many failed login attempts" in response.content.decode()


def test_two_factor_setup_is_offered_to_every_user(client, borrower):
    client.post("/accounts/login/", {"login": borrower.email, "password": "correct horse battery"})

    response = client.get("/accounts/2fa/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "/accounts/2fa/totp/activate/" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_pages_use_the_site_layout_in_both_languages(client, path):
    chinese = client.get(path).content.decode()
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'lang="zh-Hans"' in chinese
    assert "贷款超市" in chinese
    assert 'lang="en"' in english
    assert "LoanMarket" in english
    assert "style=" not in english
