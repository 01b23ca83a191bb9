import os

import pytest
from django.core.cache import cache
from playwright.sync_api import sync_playwright

from devtools.testing.browser import CHROMIUM, CHROMIUM_ARGS

pytest_plugins = ["devtools.testing.fixtures", "devtools.testing.accounts"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rendered pages are cached by catalogue version)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (no browser is ever downloaded)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between its steps are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
