"""What a new borrower saw walking the journey on a phone, in Chinese and in English, and
what was fixed: the log-in and sign-up forms, the email-verification pages, and the offers
that need more answers (issue 10, the walk-through after the merge)."""

import itertools
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from devtools.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-borrower-passphrase"
ANONYMOUS = (
    "/match/?amount=20000&term=12&purpose=consumption&age_band=25-34&city=shanghai"
    "&occupation=salaried&income_band=8000-12000"
)


def chinese_phone(browser):
    return browser.new_context(viewport=PHONE, locale="zh-CN")


def test_remember_me_sits_beside_its_box_and_is_a_thumb_sized_target(browser, live_server):
    context = chinese_phone(browser)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        expect(page.get_by_text("如果您还没有账号，请先注册。")).to_be_visible()
        box = page.get_by_role("checkbox", name="记住我").bounding_box()
        label = page.locator("label", has_text="记住我").bounding_box()
        assert box["x"] + box["width"] <= label["x"], (box, label)
        assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 4
        assert label["height"] >= 44
        assert box["width"] >= 20
    finally:
        context.close()


def test_each_password_error_has_its_own_line_in_chinese(browser, live_server):
    context = chinese_phone(browser)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/signup/")
        page.get_by_label("电子邮件").fill("short@example.test")
        page.get_by_label("密码", exact=True).fill("12345")
        page.get_by_label("密码（重复）").fill("12345")
        page.locator("main form button[type=submit]").click()
        errors = page.locator(".field-error > span")
        expect(errors).to_have_count(3)
        expect(errors.first).to_have_text("密码太短，至少需要 8 个字符。")
        tops = [errors.nth(i).bounding_box()["y"] for i in range(3)]
        assert tops == sorted(set(tops)), tops
        expect(page.locator(".field-error")).not_to_contain_text("password")
    finally:
        context.close()


def test_the_verification_pages_speak_chinese_and_lead_somewhere(browser, live_server):
    context = chinese_phone(browser)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/signup/")
        page.get_by_label("电子邮件").fill("new@example.test")
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_label("密码（重复）").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()

        expect(page.get_by_role("heading", name="请查收邮件")).to_be_visible()
        expect(page.get_by_role("link", name="联系我们")).to_have_attribute("href", "/contact/")
        link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
        assert mail.outbox[-1].from_email.startswith("贷款超市 LoanMarket <")

        page.goto(live_server.url + link)
        expect(page.get_by_role("heading", name="请确认您的邮箱地址")).to_be_visible()
        expect(page.get_by_text("请确认 new@example.test 是您的邮箱地址。")).to_be_visible()
        page.get_by_role("button", name="确认").click()
        expect(page.get_by_text("您已确认邮箱地址 new@example.test。")).to_be_visible()
        expect(page.get_by_text("已登录：new@example.test。")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Email")
    finally:
        context.close()


def test_an_offer_that_needs_more_answers_leads_on_to_them(browser, live_server):
    load_demo()
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server.url + ANONYMOUS)
        maybe = page.locator(".is-undecided").first
        expect(maybe.locator(".missing li").first).to_be_visible()
        maybe.get_by_role("link", name="Answer these and see if I qualify").click()
        expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
        assert "next=/applications/apply/" in page.url
        assert "%26term%3D12%26purpose%3Dconsumption" in page.url
    finally:
        context.close()


def test_form_errors_in_the_match_summary_use_a_chinese_colon(browser, live_server):
    context = chinese_phone(browser)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/match/?amount=abc&term=0")
        expect(page.locator(".notice li").first).to_have_text("金额（元）：输入一个数字。")
    finally:
        context.close()


def test_the_footer_links_are_tap_targets_apart(browser, live_server):
    context = chinese_phone(browser)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/contact/")
        links = page.locator(".footer-links a")
        boxes = [links.nth(i).bounding_box() for i in range(links.count())]
        assert len(boxes) == 3
        for box in boxes:
            assert box["height"] >= 32, box
        for left, right in itertools.pairwise(boxes):
            assert right["x"] - (left["x"] + left["width"]) >= 16 or right["y"] > left["y"]
    finally:
        context.close()


def test_forgot_password_leads_back_to_signing_in(browser, live_server, borrower):
    context = chinese_phone(browser)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_role("link", name="忘记密码？").click()
        page.get_by_label("电子邮件").fill(borrower.email)
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("link", name="联系我们")).to_have_attribute("href", "/contact/")

        link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
        page.goto(live_server.url + link)
        page.get_by_label("新密码", exact=True).fill(PASSWORD)
        page.get_by_label("新密码（重复）").fill(PASSWORD)
        page.get_by_role("button", name="修改密码").click()
        expect(page.get_by_text("您的密码已修改。")).to_be_visible()
        page.get_by_role("link", name="用新密码登录").click()
        expect(page.get_by_role("heading", name="登录")).to_be_visible()
    finally:
        context.close()
