"""The client's address, the one way every rate limit and consent record reads it.

Behind the production proxy ``REMOTE_ADDR`` is the proxy's: ``TRUSTED_PROXY_COUNT`` (how
many proxies of ours append to ``X-Forwarded-For``) or ``TRUSTED_CLIENT_IP_HEADER`` (a
header our proxy sets, e.g. ``X-Real-IP``) come from the environment. Nothing a client
sends is believed beyond what our own proxies vouch for.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent this request, as far as our own proxies can tell."""
    header = settings.TRUSTED_CLIENT_IP_HEADER
    count = settings.TRUSTED_PROXY_COUNT
    found = None
    if header:
        found = _valid(request.headers.get(header))
    elif count > 0:
        hops = request.headers.get("X-Forwarded-For", "").split(",")
        # Each trusted proxy appends the address it received from: the client is the
        # count-th entry from the right. Fewer entries than proxies: nothing to trust.
        if len(hops) >= count:
            found = _valid(hops[-count])
    return found or _valid(request.META.get("REMOTE_ADDR"))
