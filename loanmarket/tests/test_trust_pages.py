"""What a borrower looks for before trusting the site: a way back into their account, a
person to write to, the texts they agree to (with versions), and who runs the site."""

import re

import pytest
from django.core import mail

from loanmarket import legal

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_log_in_offers_a_forgot_password_link_that_resets_by_email(client, borrower):
    login = client.get("/accounts/login/", **EN).content.decode()
    assert '<a href="/accounts/password/reset/">Forgot password?</a>' in login

    client.post("/accounts/password/reset/", {"email": borrower.email}, **EN)
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    changed = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )

    assert changed.status_code == 302
    client.logout()
    assert client.login(username=borrower.email, password="a-new-long-passphrase")


def test_sign_up_links_the_user_agreement_and_privacy_policy_with_their_versions(client):
    html = " ".join(client.get("/accounts/signup/", **EN).content.decode().split())

    assert '<a href="/agreement/">user agreement</a> (version ' in html
    assert f"(version {legal.USER_AGREEMENT_VERSION})" in html
    assert '<a href="/privacy/">privacy policy</a> (version ' in html
    assert f"(version {legal.PRIVACY_POLICY_VERSION})" in html


@pytest.mark.parametrize(
    ("url", "version"),
    [("/privacy/", legal.PRIVACY_POLICY_VERSION), ("/agreement/", legal.USER_AGREEMENT_VERSION)],
)
def test_the_privacy_policy_and_user_agreement_each_say_their_version(client, url, version):
    response = client.get(url, **EN)

    assert response.status_code == 200
    assert f"Version {version}." in response.content.decode()


def test_the_contact_page_gives_the_email_and_the_hours_a_person_answers(client, settings):
    settings.SUPPORT_EMAIL = "help@lender-market.example"
    settings.COMPLAINTS_EMAIL = "complain@lender-market.example"
    settings.SUPPORT_HOURS = "08:30–20:00"

    html = " ".join(client.get("/contact/", **EN).content.decode().split())

    assert 'href="mailto:help@lender-market.example"' in html
    assert 'href="mailto:complain@lender-market.example"' in html
    assert "A person reads and answers on weekdays, 08:30–20:00 Beijing time" in html


def test_every_page_footer_names_the_operator_and_its_icp_filing_from_settings(client, settings):
    settings.OPERATOR_NAME = "测试运营有限公司"
    settings.OPERATOR_NAME_EN = "Test Operations Ltd."
    settings.ICP_FILING = "沪ICP备12345678号-9"

    english = " ".join(client.get("/match/", **EN).content.decode().split())
    chinese = client.get("/match/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Operated by Test Operations Ltd." in english
    assert "沪ICP备12345678号-9" in english
    assert "测试运营有限公司" in chinese
    for url in ("/contact/", "/privacy/", "/agreement/"):
        assert f'href="{url}"' in english


def test_the_demo_operator_values_are_neutral_placeholders():
    from django.conf import settings

    assert settings.OPERATOR_NAME == "示例科技有限公司"
    assert settings.OPERATOR_NAME_EN == "Example Technology Co., Ltd."
    assert settings.ICP_FILING == "京ICP备00000000号-0"


@pytest.mark.parametrize("url", ["/contact/", "/privacy/", "/agreement/"])
def test_the_trust_pages_need_no_database_for_a_visitor(client, url, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
