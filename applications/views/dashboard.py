"""The borrower's dashboard: their applications, each with its timeline, and withdrawal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..exceptions import ApplicationError
from ..models import Application


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/list.html",
        {"applications": selectors.own_applications(request.user)[:100]},
    )


@login_required
@require_GET
def detail(request: HttpRequest, application_id) -> HttpResponse:
    try:
        application = selectors.own_application(request.user, application_id)
    except Application.DoesNotExist:
        raise Http404 from None
    return render(request, "applications/detail.html", {"application": application})


@login_required
@require_POST
def withdraw(request: HttpRequest, application_id) -> HttpResponse:
    try:
        application = selectors.own_application(request.user, application_id)
    except Application.DoesNotExist:
        raise Http404 from None
    try:
        services.withdraw_application(borrower=request.user, application=application)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your application is withdrawn. The lender has been told."))
    return redirect(application)
