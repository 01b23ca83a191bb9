"""Requests over Django's size limits answer a plain 400 before anything else reads them."""

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

OVER_LIMIT = (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig)
API_PREFIX = "/api/"


def _code(exc: Exception) -> str:
    return "request_too_big" if isinstance(exc, RequestDataTooBig) else "too_many_fields"


def _bad_request(request: HttpRequest, code: str) -> HttpResponse:
    """400, in the caller's language: JSON ``{"code", "error"}`` under /api/, else text."""
    with translation.override(translation.get_language_from_request(request)):
        message = {
            "request_too_big": _("This request is larger than the site accepts."),
            "too_many_fields": _("This request has more fields than the site accepts."),
            "bad_content_length": _("This request's Content-Length is not a number."),
        }[code]
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": code, "error": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RequestLimitsMiddleware:
    """Parses the query string once, up front, and a form body just before CSRF does.

    Over ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (or the size or file-count limits) Django raises
    when ``request.GET`` or ``request.POST`` is first read, wherever that is; with DEBUG on
    its error page reads them again and the 400 becomes a 500. Here the first read is ours
    and the answer is a 400 on every setting. Views exempt from CSRF (the partner API) read
    their own body, so theirs is left unparsed.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django reads the body with int(CONTENT_LENGTH); anything but ASCII digits raises.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not (length.isascii() and length.isdigit()):
            return _bad_request(request, "bad_content_length")
        try:
            request.GET  # noqa: B018 - parsed (and cached) here, first
        except OVER_LIMIT as exc:
            return _bad_request(request, _code(exc))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        try:
            request.POST  # noqa: B018 - parsed (and cached) here, before CSRF reads it
        except OVER_LIMIT as exc:
            return _bad_request(request, _code(exc))
        return None


class MessagesLastOnePageMiddleware:
    """A flash message lives until the next page, shown there or not.

    Public pages are cached for every visitor and show no one's messages; without this, a
    message queued before one (allauth's "You have signed out") would wait there and appear
    on some later page, out of place. A redirect passes its messages on; any other answer
    marks what it did not show as read. Listed after ``MessageMiddleware``, so that this
    runs before the storage is saved.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Location"):
            list(messages.get_messages(request))  # read: the storage keeps none of them
        return response
