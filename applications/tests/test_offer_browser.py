"""Changed terms in headless Chromium on real parts: the worker forwards to the sandbox
lender, which approves at other terms by signed callbacks; the borrower compares them, turns
down one offer (after confirming) and accepts another, and the sandbox, told, pays out."""

import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from applications.models import Application
from devtools.testing.fixtures import submit
from devtools.testing.workers import start_worker, stop, wait_for
from lenders import services as lender_services
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.sandbox import ProductRange, SandboxConfig, start_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Application.Status


def test_a_borrower_compares_changed_terms_declines_one_offer_and_accepts_another(
    browser, live_server, borrower, full_profile
):
    sandbox = start_in_thread(
        SandboxConfig(
            secrets={}, callback_base=live_server.url, callback_delay=0.2, changed_terms_every=1
        )
    )
    lender = LenderFactory(slug="sbx", name="Sandbox Bank")
    lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/sbx"
    lender.save()
    sandbox.config.secrets["sbx"] = lender_services.rotate_webhook_secret(lender=lender)
    products = [
        LoanProductFactory(lender=lender, name=name, upfront_fee_pct=Decimal("2"))
        for name in ("Salary Loan", "Home Loan")
    ]
    for product in products:
        sandbox.config.products[("sbx", product.slug)] = ProductRange.of(product)
    worker = start_worker(f"test-{uuid.uuid4().hex}")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    try:
        declined, accepted = (submit(borrower, product) for product in products)
        assert wait_for(
            lambda: all(
                Application.objects.get(pk=a.pk).status == S.APPROVED for a in (declined, accepted)
            ),
            seconds=60,
        )
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(borrower.email)
        page.get_by_label("Password").fill("correct horse battery")
        page.locator("form.account-form button[type=submit]").click()

        # The dashboard says the terms changed; the page shows both, side by side.
        page.goto(live_server.url + "/applications/")
        expect(page.get_by_text("The terms changed: see the new terms").first).to_be_visible()
        page.goto(live_server.url + declined.get_absolute_url())
        changed = page.get_by_test_id("changed-terms")
        expect(changed.get_by_role("heading", name="The terms changed")).to_be_visible()
        expect(changed.get_by_test_id("old-apr")).to_have_text(f"{declined.apr}%")
        expect(changed.get_by_test_id("new-apr")).to_have_text(f"{products[0].apr_max}%")
        expect(changed.get_by_test_id("new-amount")).to_have_text("¥16,000.00")

        # Turning them down asks first, then withdraws.
        page.get_by_role("button", name="Turn them down").click()
        expect(page.get_by_role("heading", name="Turn the new terms down?")).to_be_visible()
        page.get_by_role("button", name="Yes, turn them down and withdraw").click()
        expect(page.get_by_text("You turned the new terms down")).to_be_visible()
        expect(page.locator(".status-badge")).to_have_text("Withdrawn")

        # Accepting the other: the lender is told by the worker, and pays out.
        page.goto(live_server.url + accepted.get_absolute_url())
        page.get_by_role("button", name="Accept the new terms").click()
        expect(page.get_by_text("You accepted the new terms.")).to_be_visible()
        expect(page.get_by_role("button", name="Accept the new terms")).to_have_count(0)
        expect(page.get_by_text("You: Changed terms accepted")).to_be_visible()
        assert wait_for(lambda: Application.objects.get(pk=accepted.pk).status == S.DISBURSED)
        page.reload()
        expect(page.locator(".status-badge")).to_have_text("Disbursed")
        stats = sandbox.state.stats()
        assert (stats["acceptances"], stats["withdrawals"]) == (1, 1)
    finally:
        context.close()
        stop(worker)
        sandbox.shutdown()
