"""The borrower's dashboard: their applications, each with its timeline, and withdrawal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

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
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, application_id) -> HttpResponse:
    """Withdrawing asks first: the page says what follows, and only its confirming post
    (``confirm``) withdraws. Any other post shows the question again."""
    try:
        application = selectors.own_application(request.user, application_id)
    except Application.DoesNotExist:
        raise Http404 from None
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        if application.is_final:  # nothing to ask about any more
            return redirect(application)
        status = 200 if request.method == "GET" else 400
        return render(
            request, "applications/withdraw.html", {"application": application}, status=status
        )
    try:
        services.withdraw_application(borrower=request.user, application=application)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your application is withdrawn. The lender has been told."))
    return redirect(application)
