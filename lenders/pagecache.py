"""Rendered public pages, cached by their validated parameters, language and catalogue version.

Catalogue pages are the same for every visitor, so each is rendered once and then served
from the page cache, with a small in-process layer in front so a hot page costs one
shared-cache read (the version). A product or lender write bumps the version after
commit (``services.invalidate_catalogue``), so no stale page is ever served.

Pages have a cache of their own (``CACHES["pages"]``): however many of them anyone asks for,
they only ever evict other pages, never the rate-limit counters in the default cache.

A page's key is made only of what its view validated and normalised (a form's cleaned data,
the page number; see ``forms.canonical``): a parameter nobody reads makes no new key, one value
spelt two ways is one key, and invalid input is rendered for that visitor but never stored.
The page is rendered from those values alone, as if they were the whole query string, so
nothing else of one visitor's address reaches the page another visitor is served.

Keys also carry a digest of the templates, translations and static files this process
renders with, so a deploy that changes them never serves pages rendered by the previous one.

A cached page must hold nothing personal. Its one per-visitor part, the CSRF token, is
rendered as this process's random marker and filled in for each response, only inside the
token's own field; the payload names the marker it was rendered with, so a page cached by one
process is completed by any other.
"""

import copy
import functools
import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from .selectors import caps_version, catalogue_version

PAGES = "pages"  # the cache alias
CSRF_MARKER = secrets.token_hex(16)
LOCAL_ENTRIES = 256

_local: OrderedDict[str, dict] = OrderedDict()
_local_lock = threading.Lock()


@functools.cache
def _templates_digest() -> str:
    digest = hashlib.sha256()
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    roots += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    roots += [Path(d) for d in (*settings.LOCALE_PATHS, *settings.STATICFILES_DIRS)]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".html", ".txt", ".mo", ".css", ".js", ".svg"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _token_field(token: str) -> str:
    """The CSRF token's field as ``{% csrf_token %}`` renders it."""
    return f'name="csrfmiddlewaretoken" value="{token}"'


def _build(build: Callable[[], dict]) -> tuple[dict, bool]:
    payload = build()
    keep = payload.pop("cache", True)
    return {**payload, "csrf_marker": CSRF_MARKER}, keep


def cached_payload(
    request: HttpRequest, name: str, params: Mapping[str, str] | None, build: Callable[[], dict]
) -> dict:
    """``build()``'s result for this page and its validated ``params``, in this language, on
    this day and catalogue and caps version (a product reaching its cap changes the latter).

    ``params`` is ``None`` when the request's input was invalid: the page is built for this
    visitor and not stored. So is a payload that ``build`` marks ``"cache": False`` (input
    found invalid only while building, such as a page past the last).
    """
    if params is None:
        return _build(build)[0]
    signed_in = request.user.is_authenticated  # the header differs, nothing else
    raw = repr((name, sorted(params.items()), get_language(), timezone.localdate(), signed_in))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    key = f"page:{_templates_digest()}:{catalogue_version()}:{caps_version()}:{digest}"
    with _local_lock:
        payload = _local.get(key)
        if payload is not None:
            _local.move_to_end(key)
            return payload
    pages = caches[PAGES]
    payload = pages.get(key)
    if payload is None:
        payload, keep = _build(build)
        if not keep:
            return payload
        pages.set(key, payload, settings.CATALOGUE_CACHE_SECONDS)
    with _local_lock:
        _local[key] = payload
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return payload


def _as_if_asked(request: HttpRequest, params: Mapping[str, str]) -> HttpRequest:
    """The request as if ``params`` were its whole query string."""
    query = urlencode(list(params.items()))
    shown = copy.copy(request)
    shown.META = {**request.META, "QUERY_STRING": query}
    shown.GET = QueryDict(query)
    return shown


def render_page(
    request: HttpRequest, template: str, context: dict, *, params: Mapping[str, str] | None
) -> str:
    """A whole page, with the CSRF token left as a marker for ``page_response``.

    With ``params`` (what the page's key is made of) the page is rendered as if they were the
    whole query string; ``None`` (invalid input, never cached) renders the request as it came.
    """
    if params is not None:
        request = _as_if_asked(request, params)
    return render_to_string(template, {**context, "csrf_token": CSRF_MARKER}, request=request)


def page_response(request: HttpRequest, payload: dict, *, status: int = 200) -> HttpResponse:
    """The payload's page with this visitor's CSRF token in its token fields, and nowhere else."""
    html = payload["page"].replace(
        _token_field(payload["csrf_marker"]), _token_field(get_token(request))
    )
    return HttpResponse(html, status=status)
