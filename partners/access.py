"""Who may use the partner portal: the one function that turns the signed-in account into
its lender membership, and the decorator every portal view goes through.

- Anonymous: to the sign-in page.
- Signed in but no member of an active (or suspended) lender: a clear 403 page.
- A member of a suspended lender reads; every action is refused with the reason, and a
  viewer's decisions likewise (``refusal``, asked by each service that acts for a member,
  after the object was found: another lender's object stays a 404).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lenders.models import Lender

from .models import LenderMembership

OPEN_LENDER = frozenset({Lender.Status.ACTIVE, Lender.Status.SUSPENDED})


def membership_of(user) -> LenderMembership | None:
    """The account's membership (loaded with the account by ``partners.backends``), or
    ``None``."""
    if not user.is_authenticated:
        return None
    try:
        return user.lender_membership
    except LenderMembership.DoesNotExist:
        return None


def refusal(membership: LenderMembership | None, *, method: str, decides: bool) -> str:
    """Why this member may not do this, in words; ``""`` if they may."""
    if membership is None or membership.lender.status not in OPEN_LENDER:
        return _(
            "This account is not a member of an active lender, so the partner portal is not "
            "open to it. If you work for a lender on LoanMarket, ask your lender's owner or "
            "LoanMarket support to add this account."
        )
    if method in ("GET", "HEAD"):
        return ""
    if membership.lender.status == Lender.Status.SUSPENDED:
        return _(
            "%(lender)s is suspended on LoanMarket, so the portal is read-only: nothing can be "
            "changed until LoanMarket staff reactivate it."
        ) % {"lender": membership.lender.display_name}
    if decides and not membership.may_decide:
        return _("Your role (viewer) may read applications but not decide them.")
    return ""


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "partners/portal/refused.html", {"reason": reason}, status=403)


def portal_view(view: Callable) -> Callable:
    """Open the view to members of an open lender only, with ``request.membership`` set."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_of(request.user)
        reason = refusal(membership, method="GET", decides=False)
        if reason:
            return refused(request, reason)
        request.membership = membership
        return view(request, *args, **kwargs)

    return wrapped
