"""The most common path, in headless Chromium: an anonymous visitor matches, picks an offer,
is sent to log in, signs up, verifies their email, fills the profile's steps and lands back
on that offer's review page with the amount, term and purpose they chose."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from devtools.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-borrower-passphrase"
NEW_ID = "11010119900307002X"  # not the demo borrower's; its check digit is X
ASKED = {"amount": "20000", "term": "12", "purpose": "education"}


def _confirm_link(address: str) -> str:
    (message,) = [m for m in mail.outbox if address in m.to]
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _walk_from_offer_to_review(page, base: str, *, email: str) -> dict:
    page.goto(base + "/match/")
    page.locator("[name=amount]").fill(ASKED["amount"])
    page.locator("[name=term]").fill(ASKED["term"])
    page.locator("[name=purpose]").select_option(ASKED["purpose"])
    page.locator("[name=age_band]").select_option(index=2)
    page.locator("[name=city]").select_option("beijing")
    page.locator("[name=occupation]").select_option("salaried")
    page.locator("[name=income_band]").select_option(index=4)
    page.locator("form.match-form button[type=submit]").click()
    offer = page.locator(".is-eligible a.button.primary").first
    expect(offer).to_be_visible()
    chosen = urlsplit(offer.get_attribute("href"))
    offer.click()

    # Sent to log in; no account yet, so on to sign up (the return address goes along).
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("main a[href^='/accounts/signup/']").first.click()
    page.locator("[name=email]").fill(email)
    page.locator("[name=password1]").fill(PASSWORD)
    page.locator("[name=password2]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))

    page.goto(base + _confirm_link(email))
    page.locator("form.account-form button[type=submit]").click()

    # The profile's steps, each keeping the return address.
    expect(page).to_have_url(re.compile(r"/applications/profile/identity/\?next="))
    page.locator("[name=full_name]").fill("王芳")
    page.locator("[name=mobile]").fill("+86 139-1234-5678")
    page.locator("[name=national_id]").fill(NEW_ID.lower())
    page.locator("form.profile-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/applications/profile/work/\?next="))
    page.locator("[name=city]").select_option("beijing")
    page.locator("[name=occupation]").select_option("salaried")
    page.locator("form.profile-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/applications/profile/money/\?next="))
    page.locator("[name=monthly_income]").fill("15000")
    page.locator("[name=has_social_insurance]").select_option("yes")
    page.locator("[name=has_housing_fund]").select_option("yes")
    page.locator("[name=has_credit_card]").select_option("no")
    page.locator("[name=monthly_debt_payments]").fill("0")
    page.locator("form.profile-form button[type=submit]").click()

    # Back on the same offer's review page, with what was chosen.
    landed = urlsplit(page.url)
    assert landed.path == chosen.path
    assert parse_qs(landed.query) == parse_qs(chosen.query)
    assert parse_qs(chosen.query)["purpose"] == [ASKED["purpose"]]
    expect(page.locator("form.profile-form [name=amount]")).to_have_value(
        parse_qs(chosen.query)["amount"][0]
    )
    expect(page.locator("form.profile-form [name=term]")).to_have_value(ASKED["term"])
    expect(page.locator("form.profile-form [name=purpose]")).to_have_value(ASKED["purpose"])
    expect(page.locator(".errors")).to_have_count(0)
    return parse_qs(chosen.query)


def test_an_anonymous_offer_survives_sign_up_verification_and_the_profile_on_a_phone_in_chinese(
    browser, live_server
):
    load_demo()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        _walk_from_offer_to_review(page, live_server.url, email="wang@example.test")
        expect(page.get_by_role("heading", name="确认并申请")).to_be_visible()
    finally:
        context.close()


def test_an_anonymous_offer_survives_sign_up_on_a_desktop_in_english(browser, live_server):
    load_demo()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        _walk_from_offer_to_review(page, live_server.url, email="fang@example.test")
        expect(page.get_by_role("heading", name="Review and apply")).to_be_visible()
    finally:
        context.close()
