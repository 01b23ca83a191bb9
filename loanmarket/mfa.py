"""Which accounts must use two-factor authentication, and the one place that enforces it.

``requires_mfa`` is the policy: a role that can see or change other people's data signs in
with a TOTP authenticator. Today that is staff (the admin); the partner portal adds lender
owners and managers here, and nowhere else. ``RequireMFAMiddleware`` holds every page
back from such an account until it has set up TOTP: only allauth's own pages (to set it
up, sign in again or log out), the language switch and the site's plain endpoints stay
open. Static files are served before any view (whitenoise), so they stay open as well.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Views a user who still has to set up TOTP can reach: allauth's account and MFA pages,
# the language switch, development media, the health check and robots.txt (site-wide
# endpoints with no data), and the partner API (it authenticates by signature, never by
# a session).
OPEN_VIEW_MODULES = (
    "allauth.",
    "django.views.i18n",
    "django.views.static",
    "loanmarket.views",
    "ninja.",
)


def requires_mfa(user) -> bool:
    """Whether this account may act only after a second factor: staff, today."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _open(view_func) -> bool:
    view_func = getattr(view_func, "func", view_func)  # a functools.partial (ninja's docs)
    module = getattr(view_func, "__module__", "") or ""
    return any(module == prefix or module.startswith(prefix) for prefix in OPEN_VIEW_MODULES)


class RequireMFAMiddleware:
    """Sends an account that ``requires_mfa`` but has no TOTP authenticator to allauth's
    TOTP setup before any other page (the admin above all) opens."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not requires_mfa(user) or _open(view_func) or has_totp(user):
            return None
        messages.warning(
            request,
            _(
                "Your account needs two-factor authentication. Set up an authenticator app "
                "to continue."
            ),
        )
        return redirect("mfa_activate_totp")
