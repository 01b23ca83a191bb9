"""Keeps the acquisition channel of a borrower's first visit, for channel reports."""

import re

from django.http import HttpRequest, HttpResponse

SESSION_KEY = "acquisition_channel"
CHANNEL_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")


class AcquisitionChannelMiddleware:
    """``?utm_source=`` or ``?channel=`` on a first visit goes into the session (only a
    well-formed label; later visits never overwrite it); sign-up copies it to the profile."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = request.GET.get("utm_source") or request.GET.get("channel")
        if channel and CHANNEL_PATTERN.match(channel) and SESSION_KEY not in request.session:
            request.session[SESSION_KEY] = channel
        return self.get_response(request)


def channel_of(request: HttpRequest) -> str:
    return request.session.get(SESSION_KEY, "")
