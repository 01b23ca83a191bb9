"""The borrower's first journey in headless Chromium (Debian's), on a phone and a desktop."""

import re

import pytest
from playwright.sync_api import expect

from devtools.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_borrower_compares_offers_and_prices_a_loan(browser, live_server, viewport):
    load_demo()
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    page = context.new_page()
    policy_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and policy_violations.append(message.text)
        ),
    )

    # From the home page into the catalogue, priced for the amount and term asked.
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="How LoanMarket is paid")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="All loans").click()
    if viewport == "phone":  # the filters fold behind one button on a phone
        page.get_by_text("Filter and sort").click()
    page.get_by_label("Amount (¥)").fill("20000")
    page.get_by_label("Term (months)").fill("12")
    page.get_by_role("button", name="Show offers").click()
    expect(page).to_have_url(re.compile(r"/loans/\?amount=20000&term=12"))
    expect(page.locator(".offer").first).to_contain_text("For ¥20,000.00 over 12 months.")

    # Filtering updates the list in place (htmx) and the address bar follows.
    if viewport == "phone":  # the new page opens on the offers, its filters folded again
        page.get_by_text("Filter and sort").click()
    page.get_by_text("More filters").click()
    page.get_by_label("Category").select_option("vehicle")
    expect(page).to_have_url(re.compile(r"category=vehicle"))
    expect(page.locator(".offer .lender").first).to_be_visible()
    for name in page.locator(".offer h2").all_inner_texts():
        assert "Car" in name or "Motor" in name or "Scooter" in name or "Fleet" in name, name

    # A product's calculator reprices the schedule when the amount changes.
    page.locator(".offer h2 a").first.click()
    expect(page.get_by_role("heading", name="Your cost, month by month")).to_be_visible()
    total = page.get_by_test_id("total-repayment")
    before = total.inner_text()
    amount = page.get_by_label("Amount (¥)")
    amount.fill("")
    amount.fill("40000")
    page.get_by_role("button", name="Calculate").click()
    expect(total).not_to_have_text(before)
    expect(page.locator("table.schedule caption")).to_contain_text("¥40,000.00")

    assert policy_violations == []
    context.close()


def test_the_site_reads_in_chinese_by_default(browser, live_server):
    load_demo()
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()

    page.goto(live_server.url + "/loans/")

    expect(page.get_by_role("heading", name="按真实成本排列的全部贷款")).to_be_visible()
    expect(page.get_by_role("heading", name="贷款超市如何盈利")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="All loans, by true cost")).to_be_visible()
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_invalid_calculator_amount_replaces_the_schedule_with_the_products_limits(
    browser, live_server, viewport
):
    """In place (htmx), as typed: the browser's own range check must not silently keep the
    old schedule on screen for an amount the product does not lend."""
    load_demo()
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/loans/?amount=20000&term=12")
        page.locator(".offer h2 a").first.click()
        expect(page).to_have_url(re.compile(r"\?amount=20000&term=12$"))  # kept from the list
        expect(page.locator("table.schedule caption")).to_contain_text("¥20,000.00")
        apply = page.get_by_role("link", name="Check if I qualify and apply")
        expect(apply).to_have_attribute("href", re.compile(r"\?amount=20000&term=12$"))

        page.get_by_label("Amount (¥)").fill("99999999")

        alert = page.locator("#schedule [role=alert]")
        expect(alert).to_contain_text("This product lends ¥")
        expect(page.locator("table.schedule")).to_have_count(0)
        expect(apply).to_have_count(0)

        page.get_by_label("Amount (¥)").fill("15000")
        expect(page.locator("table.schedule caption")).to_contain_text("¥15,000.00")
        expect(page.get_by_role("link", name="Check if I qualify and apply")).to_have_attribute(
            "href", re.compile(r"\?amount=15000&term=12$")
        )
    finally:
        context.close()
