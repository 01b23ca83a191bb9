"""The whole journey in headless Chromium on real parts: match, apply with consent, the
worker forwards to the sandbox lender, which reviews and approves by signed callbacks;
the borrower follows it on the dashboard's timeline."""

import uuid

import pytest
from playwright.sync_api import expect

from devtools.demo import load_demo
from devtools.testing.workers import start_worker, stop
from lenders.models import Lender
from partners.sandbox import SandboxConfig, start_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_match_apply_consent_and_follow_it_to_approval(browser, live_server):
    load_demo()
    sandbox = start_in_thread(
        SandboxConfig(secrets={}, callback_base=live_server.url, callback_delay=0.2)
    )
    for lender in Lender.objects.exclude(api_base_url=""):
        lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/{lender.slug}"
        lender.save(update_fields=["api_base_url"])
        sandbox.config.secrets[lender.slug] = lender.webhook_secret
    worker = start_worker(f"test-{uuid.uuid4().hex}")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill("borrower@demo.test")
        page.get_by_label("Password").fill("loanmarket-demo")
        page.locator("form.account-form button[type=submit]").click()

        page.goto(live_server.url + "/match/")
        page.get_by_label("Amount (¥)").fill("20000")
        page.get_by_label("Term (months)").fill("12")
        page.get_by_label("Purpose").select_option("consumption")
        page.get_by_role("button", name="Show my offers").click()
        page.locator(".is-eligible").get_by_role(
            "link", name="See the full cost and apply"
        ).first.click()

        expect(page.get_by_role("heading", name="Review and apply")).to_be_visible()
        expect(page.get_by_text("APR (true annual rate)")).to_be_visible()
        page.get_by_label("I agree that LoanMarket sends").check()
        page.get_by_label("to query my credit report").check()
        page.get_by_role("button", name="Send my application to").click()

        expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
        for _ in range(60):  # forwarded by the worker, then reviewed and approved
            if page.get_by_text("The lender: Approved").count():
                break
            page.wait_for_timeout(500)
            page.reload()
        expect(page.get_by_text("The lender: In review")).to_be_visible()
        expect(page.get_by_text("The lender: Approved")).to_be_visible()
        expect(page.get_by_role("heading", name="The lender's decision")).to_be_visible()

        page.get_by_role("navigation", name="Account").get_by_role(
            "link", name="My applications"
        ).click()
        expect(page.locator(".status-badge").first).to_have_text("Approved")
        assert sandbox.state.stats()["applications"] == 1
    finally:
        context.close()
        stop(worker)
        sandbox.shutdown()
