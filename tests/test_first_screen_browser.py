"""A phone's first screen (390×844) shows an offer, in both languages: on the catalogue and
on match results, under the one-line "how we are paid" disclosure (issue 10, item 7)."""

import pytest
from playwright.sync_api import expect

from devtools.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}
ANSWERS = {
    "age_band": "25-34",
    "city": "lhasa",
    "occupation": "salaried",
    "income_band": "12000-20000",
    "purpose": "consumption",
}


def on_first_screen(page, height: int) -> None:
    """The first offer, its name and its APR, lie within the first screen, below the
    disclosure; the APR is the card's largest figure."""
    disclosure = page.locator(".disclosure").bounding_box()
    offer = page.locator(".offer").first
    top = offer.bounding_box()["y"]
    apr = offer.locator(".apr-figure").first.bounding_box()
    assert disclosure["y"] + disclosure["height"] <= top
    assert apr["y"] + apr["height"] <= height, f"the first offer's APR is at {apr['y']}"
    sizes = offer.locator("h2, dd, p, li, span").evaluate_all(
        "nodes => nodes.map(n => [n.className, parseFloat(getComputedStyle(n).fontSize)])"
    )
    largest = max(size for _, size in sizes)
    assert [c for c, size in sizes if size == largest] == ["apr-figure"], sizes


@pytest.mark.parametrize("language", LOCALES)
def test_a_phones_first_screen_shows_an_offer_in_the_catalogue_and_the_match(
    browser, live_server, language
):
    load_demo()
    context = browser.new_context(viewport=PHONE, locale=LOCALES[language])
    page = context.new_page()
    try:
        for path in ("/loans/", "/loans/?amount=20000&term=12"):
            page.goto(live_server.url + path)
            expect(page.locator("html")).to_have_attribute(
                "lang", "zh-Hans" if language == "zh-hans" else "en"
            )
            on_first_screen(page, PHONE["height"])

        # The disclosure is one line; its four points are one tap away.
        points = page.locator(".disclosure li")
        expect(points.first).to_be_hidden()
        summary = page.locator(".disclosure summary")
        assert summary.bounding_box()["height"] <= 48
        summary.click()
        expect(points).to_have_count(4)
        expect(points.last).to_be_visible()

        # A match from the empty form opens on its results.
        page.goto(live_server.url + "/match/")
        page.locator("[name=amount]").fill("20000")
        page.locator("[name=term]").fill("12")
        for name, value in ANSWERS.items():
            page.locator(f"[name={name}]").select_option(value)
        page.locator(".match-form button[type=submit]").click()
        expect(page.locator(".offer").first).to_be_visible()
        on_first_screen(page, PHONE["height"])
        expect(page.locator(".match-form")).to_be_hidden()  # folded behind one button
        page.locator(".match-answers summary").click()
        expect(page.locator("[name=amount]")).to_have_value("20000")
    finally:
        context.close()


def test_the_catalogue_filters_fold_behind_one_button_on_a_phone_only(browser, live_server):
    load_demo()
    phone = browser.new_context(viewport=PHONE, locale="en-US")
    desktop = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        page = phone.new_page()
        page.goto(live_server.url + "/loans/")
        amount = page.get_by_label("Amount (¥)")
        expect(amount).to_be_hidden()
        page.get_by_text("Filter and sort").click()
        expect(amount).to_be_visible()
        amount.fill("20000")
        page.get_by_label("Term (months)").fill("12")
        page.get_by_role("button", name="Show offers").click()
        expect(page.get_by_text("¥20,000.00 over 12 months").first).to_be_visible()
        expect(amount).to_be_hidden()  # folded again over the offers
        on_first_screen(page, PHONE["height"])

        page = desktop.new_page()
        page.goto(live_server.url + "/loans/")
        expect(page.get_by_label("Amount (¥)")).to_be_visible()
        expect(page.get_by_text("Filter and sort")).to_be_hidden()
    finally:
        phone.close()
        desktop.close()


def test_the_schedule_shows_a_phone_that_it_scrolls_sideways(browser, live_server):
    load_demo()
    phone = browser.new_context(viewport=PHONE, locale="en-US")
    desktop = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        page = phone.new_page()
        page.goto(live_server.url + "/loans/great-wall-motor/balloon/")
        region = page.get_by_role("region", name="Repayment schedule")
        assert region.evaluate("node => node.scrollWidth > node.clientWidth")
        expect(page.locator(".scroll-hint")).to_be_visible()
        expect(region).to_have_attribute("aria-describedby", "schedule-scroll-hint")

        page = desktop.new_page()
        page.goto(live_server.url + "/loans/great-wall-motor/balloon/")
        expect(page.locator(".scroll-hint")).to_be_hidden()
    finally:
        phone.close()
        desktop.close()
