"""The README's phone screenshots, taken from a running site (``make run``) in Chromium."""

from pathlib import Path
from urllib.parse import urlencode

from django.core.management.base import BaseCommand

from devtools.testing.browser import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}
MATCH = {
    "amount": "20000",
    "term": "12",
    "purpose": "consumption",
    "age_band": "25-34",
    "income_band": "8000-12000",
    "city": "shanghai",
    "occupation": "salaried",
}
PAGES = {
    "catalogue": "/loans/",
    "match": "/match/?" + urlencode(MATCH) + "#results",
}


class Command(BaseCommand):
    help = (
        "Save phone-sized screenshots of the catalogue and match results, in Chinese and "
        "English, from a running site (default http://127.0.0.1:8000, as make run serves it)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default="docs/screenshots")

    def handle(self, *args, base_url: str, out: str, **options) -> None:
        from playwright.sync_api import sync_playwright

        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for language in ("zh-hans", "en"):
                context = browser.new_context(viewport=PHONE, device_scale_factor=2)
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": base_url}]
                )
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base_url + path)
                    target = folder / f"phone-{name}-{language}.png"
                    page.screenshot(path=str(target))
                    self.stdout.write(str(target))
                context.close()
            browser.close()
