"""The partner portal's pages: thin, each through ``portal_view`` (who), the partner
selectors (what they may see) and the partner services (what changes)."""

import csv
import uuid
from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.exceptions import ApplicationError
from applications.models import Application
from loanmarket.http import client_ip

from .. import selectors, services
from ..access import portal_view, refusal, refused
from ..exceptions import ActionRefused, NotFound, PartnerError
from ..models import PersonalDataAccess
from .forms import DECISION_FORMS, InboxFilterForm

PAGE_SIZE = 25


def _filter_form(request: HttpRequest) -> InboxFilterForm:
    return InboxFilterForm(
        request.GET, products=selectors.lender_products(lender=request.membership.lender)
    )


@require_GET
@portal_view
def home(request: HttpRequest) -> HttpResponse:
    return redirect("partners:inbox")


@require_GET
@portal_view
def inbox(request: HttpRequest) -> HttpResponse:
    """The lender's applications, filtered, searched and paginated."""
    form = _filter_form(request)
    lender = request.membership.lender
    if not form.is_valid():
        context = {"form": form, "page": None, "lender": lender}
        return render(request, "partners/portal/inbox.html", context, status=400)
    applications = selectors.lender_applications(lender=lender, filters=form.filters())
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "lender": lender, "query": query.urlencode()}
    return render(request, "partners/portal/inbox.html", context)


def _application(request: HttpRequest, application_id: uuid.UUID) -> Application:
    try:
        return selectors.lender_application_detail(
            lender=request.membership.lender, application_id=application_id
        )
    except NotFound:
        raise Http404 from None


def _detail(
    request: HttpRequest,
    application: Application,
    *,
    forms=None,
    decision="",
    error="",
    status=200,
) -> HttpResponse:
    """The detail page, which shows personal fields: each time, an access record."""
    membership = request.membership
    fields = selectors.shared_fields(application)
    if fields is not None:
        services.record_personal_data_access(
            membership=membership,
            kind=PersonalDataAccess.Kind.DETAIL,
            application=application,
            client_ip=client_ip(request),
        )
    terms = application.terms
    initial = {
        "approve": {
            "approved_amount": application.amount,
            "apr": application.apr,
            "term_months": application.term_months,
        },
        "disburse": {"disbursed_amount": terms.amount, "disbursed_on": timezone.localdate()},
    }
    forms = forms or {}
    decision_forms = [
        (code, label, forms.get(code) or DECISION_FORMS[code](initial=initial.get(code)))
        for code, label in services.Decision.choices
    ]
    context = {
        "application": application,
        "fields": fields,
        "decision_forms": decision_forms,
        "open_decision": decision,
        "error": error,
        "may_decide": not application.is_final
        and not refusal(membership, method="POST", decides=True),
        "lender": membership.lender,
    }
    return render(request, "partners/portal/detail.html", context, status=status)


@require_GET
@portal_view
def detail(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    return _detail(request, _application(request, application_id))


@require_POST
@portal_view
def decide(request: HttpRequest, application_id: uuid.UUID, decision: str) -> HttpResponse:
    """Approve, decline, ask for more information or mark disbursed."""
    if decision not in DECISION_FORMS:
        raise Http404
    application = _application(request, application_id)
    reason = refusal(request.membership, method="POST", decides=True)
    if reason:  # before the form: a viewer's or a suspended lender's input is not read
        return refused(request, reason)
    form = DECISION_FORMS[decision](request.POST)
    if form.is_valid():
        try:
            services.decide(
                membership=request.membership,
                application=application,
                decision=decision,
                **form.cleaned_data,
            )
        except ActionRefused as exc:
            return refused(request, exc.message)
        except (ApplicationError, PartnerError) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your decision is recorded and the borrower is told."))
            return redirect("partners:detail", application_id=application.id)
    error = " ".join(form.non_field_errors())
    return _detail(
        request, application, forms={decision: form}, decision=decision, error=error, status=400
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


UNSAFE_FIRST = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(UNSAFE_FIRST) else text


EXPORT_FIELDS = (
    "full_name",
    "mobile",
    "national_id",
    "date_of_birth",
    "city",
    "occupation",
    "employer",
    "monthly_income",
)


def _rows(applications) -> Iterator[list]:
    yield [
        _("Application ID"),
        _("Received"),
        _("Product"),
        _("Amount"),
        _("Term (months)"),
        _("APR (%)"),
        _("Status"),
        _("Channel"),
        *(selectors.field_label(name) for name in EXPORT_FIELDS),
    ]
    for application in applications.iterator(chunk_size=500):
        shared = {field.name: field.value for field in selectors.shared_fields(application) or []}
        yield [
            application.id,
            timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M"),
            application.product.display_name,
            application.amount,
            application.term_months,
            application.apr,
            application.get_status_display(),
            application.channel,
            *(shared.get(name, "") for name in EXPORT_FIELDS),
        ]


def _csv(applications) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read the Chinese as UTF-8
    for row in _rows(applications):
        yield writer.writerow([safe_cell(cell) for cell in row])


@require_GET
@portal_view
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV, streamed, with the consented personal fields of each."""
    form = _filter_form(request)
    lender = request.membership.lender
    if not form.is_valid():
        context = {"form": form, "page": None, "lender": lender}
        return render(request, "partners/portal/inbox.html", context, status=400)
    applications = selectors.lender_export_rows(lender=lender, filters=form.filters())
    count = applications.count()
    services.record_personal_data_access(
        membership=request.membership,
        kind=PersonalDataAccess.Kind.EXPORT,
        client_ip=client_ip(request),
        detail=_("%(count)d applications; filters: %(filters)s")
        % {"count": count, "filters": form.described() or _("none")},
    )
    response = StreamingHttpResponse(_csv(applications), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications.csv"'
    return response
