"""Pages are private unless public: ``Cache-Control: no-store, private`` on every response
but the few that are the same for every visitor.

Personal data must never be kept by a browser's or a proxy's cache: the profile steps
pre-fill the full name and employer; the apply page, dashboard and application detail show
what a borrower shared and borrowed; allauth's account and two-factor pages show the email
(and re-show a typed one to a visitor not yet signed in). Marking each such view would miss
allauth's (not ours to decorate) and the next view someone adds, so this marks every
response, and leaves alone only the public pages: the catalogue (the ``lenders``
namespace, cached for everyone by ``lenders.pagecache``), robots.txt and the favicon.
Static files never get here (WhiteNoise answers them first).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PUBLIC_NAMESPACES = frozenset({"lenders"})
PUBLIC_URL_NAMES = frozenset({"robots", "favicon"})  # in the root namespace


def is_public(request: HttpRequest) -> bool:
    """Whether the page ``request`` reached is the same for every visitor."""
    match = request.resolver_match
    if match is None:  # not resolved (a 404, a redirect before any view): private
        return False
    if match.namespaces:
        return bool(PUBLIC_NAMESPACES.intersection(match.namespaces))
    return match.url_name in PUBLIC_URL_NAMES


class PrivateByDefaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_public(request):
            patch_cache_control(response, no_store=True, private=True)
        return response
