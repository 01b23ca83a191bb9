"""The borrower's dashboard: their applications, each with its timeline, withdrawal, and
their answer to a lender's changed terms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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


def _own(request: HttpRequest, application_id) -> Application:
    try:
        return selectors.own_application(request.user, application_id)
    except Application.DoesNotExist:
        raise Http404 from None


def _detail(
    request: HttpRequest, application: Application, *, error: str = "", status: int = 200
) -> HttpResponse:
    changed = application.terms_changed
    context = {
        "application": application,
        "offer": services.offer_schedule(application=application) if changed else None,
        "offer_token": services.offer_token(application) if changed else "",
        "error": error,
    }
    return render(request, "applications/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, application_id) -> HttpResponse:
    return _detail(request, _own(request, application_id))


@login_required
@require_POST
def accept_offer(request: HttpRequest, application_id) -> HttpResponse:
    """The borrower accepts the lender's changed terms, exactly as their page showed them."""
    application = _own(request, application_id)
    try:
        services.accept_offer(
            borrower=request.user, application=application, offer=request.POST.get("offer", "")
        )
    except ApplicationError as exc:  # a second click, an old tab: nothing changed
        return _detail(request, _own(request, application_id), error=exc.message, status=409)
    messages.success(
        request, _("You accepted the new terms. The lender has been told and may now pay out.")
    )
    return redirect(application)


@login_required
@require_POST
def decline_offer(request: HttpRequest, application_id) -> HttpResponse:
    """The borrower turns the changed terms down, once they confirm: that withdraws the
    application. Without ``confirm`` the page asks first."""
    application = _own(request, application_id)
    offer = request.POST.get("offer", "")
    if request.POST.get("confirm") != "yes":
        if not application.awaits_acceptance:
            return _detail(
                request,
                application,
                error=_("There are no changed terms waiting for your answer now."),
                status=409,
            )
        context = {"application": application, "offer_token": offer}
        return render(request, "applications/decline_confirm.html", context)
    try:
        services.decline_offer(borrower=request.user, application=application, offer=offer)
    except ApplicationError as exc:
        return _detail(request, _own(request, application_id), error=exc.message, status=409)
    messages.success(request, _("You turned the new terms down and your application is withdrawn."))
    return redirect(application)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, application_id) -> HttpResponse:
    """Withdrawing asks first: the page says what follows, and only its confirming post
    (``confirm``) withdraws. Any other post shows the question again."""
    application = _own(request, application_id)
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
