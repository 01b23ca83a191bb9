"""The partner API (``/api/partner/v1/``), documented by its OpenAPI document.

Every call is a Standard Webhooks-signed message from a lender, who names itself in
``X-Lender`` (``partners.auth``). Every answer that is not a success, down to a wrong method
or an unknown path, is JSON ``{"code", "error"}`` with one status per code
(``errors.STATUS``). One module per resource; each endpoint is auth → selector → service.
"""

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from . import errors, events


class PartnerAPI(NinjaAPI):
    """django-ninja's API, whose own answers outside any endpoint (a method the path does
    not take, a path it does not have) are JSON in our shape too."""

    @property
    def urls(self) -> tuple[list, str, str]:
        patterns, app_name, namespace = super().urls
        answered = [
            URLPattern(p.pattern, self._in_our_shape(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        return [*answered, re_path(r"^", csrf_exempt(self._not_found))], app_name, namespace

    def _in_our_shape(self, view):
        @wraps(view)
        def view_in_our_shape(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                response = view(request, *args, **kwargs)
            except Http404:  # the API's root
                return self._not_found(request)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = errors.respond(
                    self,
                    request,
                    errors.error_answer(
                        "method_not_allowed",
                        _("Use %(allowed)s here.") % {"allowed": allowed},
                    ),
                )
                response["Allow"] = allowed
            return response

        return csrf_exempt(view_in_our_shape)

    def _not_found(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return errors.respond(
            self,
            request,
            errors.error_answer(
                "not_found", _("No such endpoint; the OpenAPI document lists every one.")
            ),
        )


api = PartnerAPI(
    title="LoanMarket partner API",
    version="1",
    urls_namespace="partner_api",
    docs_decorator=require_safe,  # the document and its page are read, never posted to
    description=(
        "Signed both ways by the Standard Webhooks scheme (webhook-id, webhook-timestamp, "
        "webhook-signature) with your secret; name yourself in the X-Lender header. Every "
        'answer that is not a success is JSON {"code", "error"}: the code is stable, the '
        "error says why in words."
    ),
)
errors.install(api)
api.add_router("", events.router)
