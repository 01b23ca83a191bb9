"""In headless Chromium: a manager approves an application in the partner portal, and the
borrower's dashboard timeline shows the lender's decision."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from devtools.testing.accounts import create_member, sign_in
from devtools.testing.fixtures import submit
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.models import LenderMembership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_context(browser, live_server, client: Client, **options):
    """A browser context carrying ``client``'s session (signed in through allauth)."""
    context = browser.new_context(locale="en-US", **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    return context


def test_a_manager_approves_in_the_portal_and_the_borrower_sees_it(
    browser, live_server, borrower, full_profile
):
    lender = LenderFactory(slug="portal-lender", name="Portal Lender")
    application = submit(borrower, LoanProductFactory(lender=lender, name="Portal Cash"))
    manager = sign_in(Client(), create_member(lender, LenderMembership.Role.MANAGER))
    borrower_client = Client()
    borrower_client.force_login(borrower)

    portal = _signed_in_context(
        browser, live_server, manager, viewport={"width": 390, "height": 844}
    )
    dashboard = _signed_in_context(browser, live_server, borrower_client)
    try:
        page = portal.new_page()
        page.goto(live_server.url + "/partner/applications/")
        page.get_by_role("link", name="Portal Cash").click()
        expect(
            page.get_by_role("heading", name="What the borrower shared with you")
        ).to_be_visible()
        page.locator("details.decision summary", has_text="Approve").click()
        page.get_by_label("Approved amount (¥)").fill("15000")
        page.locator("details.decision[open]").get_by_role("button", name="Approve").click()
        expect(page.get_by_text("Your decision is recorded")).to_be_visible()
        expect(page.locator(".status-badge").first).to_have_text("Approved")

        mine = dashboard.new_page()
        mine.goto(live_server.url + application.get_absolute_url())
        expect(mine.get_by_text("The lender: Approved")).to_be_visible()
    finally:
        portal.close()
        dashboard.close()
