"""Rendered public pages, cached by query string, language and catalogue version.

Catalogue pages are the same for every visitor, so each is rendered once and then served
from the shared cache, with a small in-process layer in front so a hot page costs one
shared-cache read (the version). A product or lender write bumps the version after
commit (``services.invalidate_catalogue``), so no stale page is ever served.

Keys also carry a digest of the templates, translations and static files this process
renders with, so a deploy that changes them never serves pages rendered by the previous one.

A cached page must hold nothing personal. Its one per-visitor part, the CSRF token of the
language switch, is rendered as a marker and filled in for each response.
"""

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from .selectors import catalogue_version

CSRF_MARKER = "__csrf-token__"
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


def cached_payload(request: HttpRequest, name: str, build: Callable[[], dict]) -> dict:
    """``build()``'s result for this page, query string, language, day and catalogue version."""
    signed_in = request.user.is_authenticated  # the header differs, nothing else
    raw = repr((name, sorted(request.GET.lists()), get_language(), timezone.localdate(), signed_in))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    key = f"page:{_templates_digest()}:{catalogue_version()}:{digest}"
    with _local_lock:
        payload = _local.get(key)
        if payload is not None:
            _local.move_to_end(key)
            return payload
    payload = cache.get(key)
    if payload is None:
        payload = build()
        cache.set(key, payload, settings.CATALOGUE_CACHE_SECONDS)
    with _local_lock:
        _local[key] = payload
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return payload


def render_page(request: HttpRequest, template: str, context: dict) -> str:
    """A whole page, with the CSRF token left as a marker for ``page_response``."""
    return render_to_string(template, {**context, "csrf_token": CSRF_MARKER}, request=request)


def page_response(request: HttpRequest, html: str, *, status: int = 200) -> HttpResponse:
    return HttpResponse(html.replace(CSRF_MARKER, get_token(request)), status=status)
