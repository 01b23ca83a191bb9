"""Which accounts must use two-factor authentication, and the one place that enforces it.

``requires_mfa`` is the policy: a role that can see or change other people's data signs in
with a TOTP authenticator: staff (the admin) and lender owners and managers (the partner
portal), here and nowhere else. The membership is read through ``partners.access``, imported
when first asked (``loanmarket`` wires the apps together and is imported before them), and
arrives with the account (``partners.backends``), so asking costs no query.

``RequireMFAMiddleware`` enforces it on every page, by what the session proved rather than
what the account has:

- an account with no TOTP yet is sent to allauth's TOTP setup; only allauth's own pages
  (to set it up, confirm the password, log out) and the site's plain endpoints are open;
- a session that has not passed the second factor (one made before TOTP was required, or
  by any sign-in path that skipped allauth's TOTP step) is sent to allauth's code page
  (``mfa_reauthenticate``), which records the code in the session and returns to the page
  asked for; until then only that page, logout and the plain endpoints are open (the
  password alone must not reach allauth's recovery codes, which are a second factor).

A session has passed the second factor when allauth recorded an "mfa" authentication in
it: a code at sign-in or at ``mfa_reauthenticate``, or setting up TOTP in this session
(allauth does not record that, so ``record_totp_activation`` does, as allauth records a
code). Static files are served before any view (whitenoise), so they stay open as well.
"""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SECOND_FACTOR = "mfa"  # allauth's authentication-record method for an authenticator

# The site's plain endpoints, open to every session: the language switch, development
# media, the health check and robots.txt (site-wide endpoints with no data), and the
# partner API with its document (it authenticates by signature, never by a session).
PLAIN_VIEW_MODULES = ("django.views.i18n", "django.views.static", "loanmarket.views")
PLAIN_NAMESPACES = frozenset({"partner_api"})
# allauth's pages, open to an account that still has to set up TOTP.
SETUP_VIEW_MODULES = ("allauth.",)
# The only allauth pages open to a session that still owes its second factor.
SECOND_FACTOR_VIEWS = frozenset({"mfa_reauthenticate", "account_logout"})


def requires_mfa(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this account may act only after a second factor: staff, and the owners and
    managers of a lender."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    from partners.access import membership_of  # deferred: partners imports the domain apps

    membership = membership_of(user)
    return membership is not None and membership.requires_mfa


def has_totp(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def passed_second_factor(request: HttpRequest) -> bool:
    """Whether this session, signed in as ``request.user``, proved a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == SECOND_FACTOR for record in records)


@receiver(authenticator_added, dispatch_uid="loanmarket.mfa.record_totp_activation")
def record_totp_activation(sender, request: HttpRequest, user, authenticator, **kwargs) -> None:
    """Setting up TOTP proves the factor (allauth checked a code from the new secret):
    record it in this session as allauth records a code, so the admin opens at once."""
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request,
            user,
            SECOND_FACTOR,
            id=authenticator.pk,
            type=authenticator.type,
            activated=True,
        )


def _from(view_func, modules: tuple[str, ...]) -> bool:
    module = getattr(view_func, "__module__", "") or ""
    return any(module == prefix or module.startswith(prefix) for prefix in modules)


def _plain(request: HttpRequest, view_func) -> bool:
    return request.resolver_match.namespace in PLAIN_NAMESPACES or _from(
        view_func, PLAIN_VIEW_MODULES
    )


class RequireMFAMiddleware:
    """Holds every page back from an account that ``requires_mfa`` until it has set up
    TOTP, and then until this session has passed it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not requires_mfa(user) or _plain(request, view_func):
            return None
        if not has_totp(user):
            if _from(view_func, SETUP_VIEW_MODULES):
                return None
            return self.set_up_totp(request)
        if request.resolver_match.view_name in SECOND_FACTOR_VIEWS:
            return None
        if passed_second_factor(request):
            return None
        return self.enter_code(request)

    def set_up_totp(self, request: HttpRequest) -> HttpResponse:
        messages.warning(
            request,
            _(
                "Your account needs two-factor authentication. Set up an authenticator app "
                "to continue."
            ),
        )
        return redirect("mfa_activate_totp")

    def enter_code(self, request: HttpRequest) -> HttpResponse:
        messages.warning(request, _("Enter the code from your authenticator app to continue."))
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
