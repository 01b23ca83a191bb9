"""Site-wide endpoints: the health check and robots.txt."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .tasks import HEARTBEAT_KEY


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "unreachable"
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True
    except Exception:  # noqa: BLE001 - any failure means "unreachable"
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 when either does not."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        "worker_heartbeat": cache.get(HEARTBEAT_KEY),
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages (like the admin) that do not name an icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "robots.txt", content_type="text/plain")


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    """How to reach a person, and how to complain (addresses and hours from settings)."""
    return render(request, "loanmarket/contact.html")


@require_GET
def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "loanmarket/privacy.html")


@require_GET
def user_agreement(request: HttpRequest) -> HttpResponse:
    return render(request, "loanmarket/agreement.html")
