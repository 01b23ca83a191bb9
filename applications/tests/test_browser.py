"""A new borrower's journey in headless Chromium: sign up, verify, profile, match."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from devtools.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PASSWORD = "a-long-borrower-passphrase"
OTHER_ID = "310104198506121230"  # valid (GB 11643), not the demo borrower's


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_borrower_signs_up_fills_the_profile_and_sees_explained_offers(
    browser, live_server, viewport
):
    load_demo()
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    page = context.new_page()
    email = f"journey-{viewport}@example.test"

    # Sign up; the verification link arrives by email.
    page.goto(live_server.url + "/?utm_source=browser-test")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Confirm").click()

    # The profile, step by step.
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    page.get_by_role("link", name="Fill in").first.click()
    page.get_by_label("Full name").fill("陈静")
    page.get_by_label("Mobile number").fill("13700001111")
    page.get_by_label("National ID number").fill(OTHER_ID)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("City").select_option("beijing")
    page.get_by_label("Occupation").select_option("salaried")
    page.get_by_label("Months in current job").fill("30")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Monthly income after tax (¥)").fill("9000")
    page.get_by_label("Do you pay social insurance?").select_option("yes")
    page.get_by_label("Do you pay into a housing fund?").select_option("yes")
    page.get_by_label("Do you hold a credit card?").select_option("no")
    page.get_by_label("Existing monthly debt payments (¥)").fill("500")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("137****1111")).to_be_visible()

    # Matching on the saved profile: eligible offers priced, the others explained.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find my loan").click()
    page.get_by_label("Amount (¥)").fill("50000")
    page.get_by_label("Term (months)").fill("12")
    page.get_by_label("Purpose").select_option("home")
    page.get_by_role("button", name="Show my offers").click()
    expect(page.locator(".is-eligible").first).to_be_visible()
    expect(page.locator(".is-eligible .apr-figure").first).to_contain_text("%")
    for _ in range(5):  # the offers not for her come last, on a later page
        if page.locator(".is-ineligible").count():
            break
        page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Not available in Beijing.").first).to_be_attached()
    expect(page.get_by_text("A business loan is for business use only.").first).to_be_attached()
    context.close()
