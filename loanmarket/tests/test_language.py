"""The Chinese site speaks Chinese, Django's and allauth's messages included, with Chinese
punctuation; emails name the site, not the host they were asked from."""

import re

import pytest
from django.core import mail
from django.utils import translation

from loanmarket import upstream_messages

pytestmark = pytest.mark.django_db

CJK = r"[\u4e00-\u9fff]"
HALF_WIDTH_BESIDE_CHINESE = re.compile(rf"{CJK}\s*[,.:;?!()]|[,:;?!()]\s*{CJK}")


def sign_up(client, password, *, language="zh-hans", email="new@example.test"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_a_too_short_password_is_refused_in_chinese(client):
    refused = sign_up(client, "abc").content.decode()

    assert "密码太短，至少需要 8 个字符。" in refused
    assert "too short" not in refused


def test_a_common_password_is_refused_in_chinese(client):
    refused = sign_up(client, "password").content.decode()

    assert "这个密码太常见了。" in refused
    assert "common" not in refused


def test_the_english_site_refuses_a_short_password_in_english(client):
    refused = sign_up(client, "abc", language="en").content.decode()

    assert "This password is too short. It must contain at least 8 characters." in refused


def test_a_bad_login_is_answered_in_chinese(client, borrower):
    refused = client.post(
        "/accounts/login/", {"login": borrower.email, "password": "wrong"}
    ).content.decode()

    assert "您提供的电子邮件地址和/或密码不正确。" in refused


def test_the_sign_up_page_ends_its_sentences_with_chinese_full_stops(client):
    page = client.get("/accounts/signup/").content.decode()

    assert "已经有账号了？请" in page
    assert "登录</a>。" in page


@pytest.mark.parametrize("msgid", [*upstream_messages.DJANGO, *upstream_messages.ALLAUTH])
def test_each_upstream_message_we_carry_is_in_chinese_with_chinese_punctuation(msgid):
    with translation.override("zh-hans"):
        chinese = translation.gettext(msgid)

    assert chinese != msgid
    assert re.search(CJK, chinese)
    assert not HALF_WIDTH_BESIDE_CHINESE.search(re.sub(r"%\(\w+\)[sdr]|%d", "X", chinese))


def test_the_verification_email_names_the_site_in_chinese(client):
    sign_up(client, "a-long-borrower-passphrase")

    message = mail.outbox[-1]
    words = "\n".join(line for line in message.body.splitlines() if "://" not in line)
    assert message.subject == "[贷款超市] 请确认您的邮箱地址"
    assert "您好：" in message.body
    assert "在贷款超市用这个邮箱地址（new@example.test）" in message.body
    assert "贷款超市团队" in message.body
    assert "/accounts/confirm-email/" in message.body
    assert "testserver" not in words
    assert "Hello" not in message.body


def test_the_verification_email_names_the_site_in_english(client):
    sign_up(client, "a-long-borrower-passphrase", language="en")

    message = mail.outbox[-1]
    words = "\n".join(line for line in message.body.splitlines() if "://" not in line)
    assert message.subject == "[LoanMarket] Confirm your email address"
    assert "gave this email address (new@example.test) to LoanMarket" in message.body
    assert "The LoanMarket team" in message.body
    assert "testserver" not in words


def test_the_password_reset_email_names_the_site(client, borrower):
    client.post("/accounts/password/reset/", {"email": borrower.email})

    message = mail.outbox[-1]
    assert message.subject.startswith("[贷款超市] ")
    assert "贷款超市团队" in message.body
    assert "testserver" not in message.subject
