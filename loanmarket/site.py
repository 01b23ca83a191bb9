"""The site as emails name it: its name in the reader's language and its address."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext


@dataclass(frozen=True)
class Site:
    name: str
    domain: str
    url: str


def current_site() -> Site:
    """The site, not the host a request came in on: "贷款超市" (or "LoanMarket") at
    ``SITE_URL``. allauth's emails read ``current_site.name`` and ``.domain``."""
    url = settings.SITE_URL.rstrip("/")
    return Site(name=gettext("LoanMarket"), domain=urlsplit(url).netloc, url=url)


def email_subject(subject: str) -> str:
    """Every email's subject starts with the site's name in brackets."""
    return f"[{gettext('LoanMarket')}] {subject}"
