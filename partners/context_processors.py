"""Whether the header links to the partner portal.

Public pages are cached for every signed-in visitor alike (``lenders.pagecache``), so the
header there may say whether someone is signed in, never who: the link shows on the other
pages only.
"""

from django.http import HttpRequest

from loanmarket.privacy import is_public

from .access import membership_of


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    linked = user is not None and not is_public(request) and membership_of(user) is not None
    return {"partner_portal_link": linked}
