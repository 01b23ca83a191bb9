"""Borrower pages: the profile (in short steps) and matching. Every profile view reads the
signed-in borrower's own profile through ``request.user``, never by an id in the URL."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from lenders import quotes as lender_quotes
from lenders import selectors as lender_selectors
from lenders.forms import CalculatorForm
from lenders.models import LoanProduct
from lenders.templatetags.money import cny
from loanmarket.http import client_ip

from . import matching, selectors, services
from .bands import AGE_BANDS, INCOME_BANDS
from .exceptions import ApplicationError
from .forms import ApplyForm, BusinessForm, IdentityForm, MatchForm, MoneyForm, WorkForm
from .masking import mask_mobile, mask_name, mask_national_id
from .middleware import channel_of
from .models import Application, BorrowerProfile

PER_PAGE = 20


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type

    @property
    def required(self) -> tuple[str, ...]:  # what makes the step complete
        return services.REQUIRED[self.slug]


STEPS = {
    "identity": Step("identity", gettext_lazy("Who you are"), IdentityForm),
    "work": Step("work", gettext_lazy("Where you live and work"), WorkForm),
    "money": Step("money", gettext_lazy("Income and debts"), MoneyForm),
    "business": Step("business", gettext_lazy("Your business"), BusinessForm),
}
KEEP_IF_EMPTY = ("mobile", "national_id")  # saved values are never shown again in full


def _steps_for(profile: BorrowerProfile) -> list[Step]:
    return [STEPS[slug] for slug in services.steps_for(profile)]


def _complete(profile: BorrowerProfile, step: Step) -> bool:
    return all(getattr(profile, name) not in (None, "") for name in step.required)


def _own_profile(request: HttpRequest, *, for_matching: bool = False) -> BorrowerProfile:
    """The signed-in borrower's profile (an empty one for accounts made before profiles)."""
    found = selectors.profile_of(request.user, identity=not for_matching)
    return found or services.create_profile(user=request.user)


def _page_number(request: HttpRequest) -> int:
    page = request.GET.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1


def _complete_for_matching(profile: BorrowerProfile) -> bool:
    """Whether matching knows all it asks (identity aside, which it never reads)."""
    steps = [step for step in _steps_for(profile) if step.slug != "identity"]
    return profile.date_of_birth is not None and all(_complete(profile, s) for s in steps)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    borrower = _own_profile(request)
    steps = [(step, _complete(borrower, step)) for step in _steps_for(borrower)]
    shown = {
        "full_name": mask_name(borrower.full_name),
        "mobile": mask_mobile(borrower.mobile) if borrower.mobile else "",
        "national_id": mask_national_id(borrower.national_id) if borrower.national_id else "",
    }
    return render(
        request,
        "applications/profile.html",
        {"profile": borrower, "steps": steps, "shown": shown},
    )


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("full_name", "mobile", "national_id", "employer")
def profile_step(request: HttpRequest, step: str) -> HttpResponse:
    borrower = _own_profile(request)
    steps = _steps_for(borrower)
    current = next((s for s in steps if s.slug == step), None)
    if current is None:
        raise Http404
    form_class = current.form_class
    initial = {name: getattr(borrower, name) for name in form_class.base_fields}
    for name in ("has_social_insurance", "has_housing_fund", "has_credit_card"):
        if name in initial and initial[name] is not None:
            initial[name] = "yes" if initial[name] else "no"
    saved_secrets = {name: bool(getattr(borrower, name, "")) for name in KEEP_IF_EMPTY}
    for name in KEEP_IF_EMPTY:
        initial.pop(name, None)
    extra = {"saved_national_id": borrower.national_id} if form_class is IdentityForm else {}
    form = form_class(request.POST or None, initial=initial, **extra)
    for name in KEEP_IF_EMPTY:
        if name in form.fields and saved_secrets[name]:
            form.fields[name].required = False
    if request.method == "POST" and form.is_valid():
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if not (name in KEEP_IF_EMPTY and not value)
        }
        try:
            updated = services.update_profile(user=request.user, fields=fields)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            remaining = [s for s in _steps_for(updated) if not _complete(updated, s)]
            target = _safe_next(request)
            if remaining:
                url = reverse("applications:profile_step", args=[remaining[0].slug])
                return redirect(f"{url}?next={target}" if target else url)
            return redirect(target or "applications:profile")
    position = steps.index(current) + 1
    masked = {
        "mobile": mask_mobile(borrower.mobile) if borrower.mobile else "",
        "national_id": mask_national_id(borrower.national_id) if borrower.national_id else "",
    }
    return render(
        request,
        "applications/profile_step.html",
        {
            "form": form,
            "step": current,
            "position": position,
            "count": len(steps),
            "masked": masked,
            "next": _safe_next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@vary_on_headers("HX-Request", "Cookie")
def match(request: HttpRequest) -> HttpResponse:
    anonymous = not request.user.is_authenticated
    # The home page's quick form sends only an amount and a term: start from them.
    if "purpose" in request.GET:
        form = MatchForm(request.GET, anonymous=anonymous)
    else:
        form = MatchForm(initial=request.GET.dict(), anonymous=anonymous)
    borrower_profile = None if anonymous else _own_profile(request, for_matching=True)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if anonymous:
            borrower = matching.Borrower(
                age=AGE_BANDS[data["age_band"]][0],
                monthly_income=INCOME_BANDS[data["income_band"]][0],
                city=data["city"],
                occupation=data["occupation"],
            )
        else:
            borrower = selectors.borrower_from_profile(borrower_profile, today=timezone.localdate())
        result = services.find_offers(
            request=matching.LoanRequest(
                amount=data["amount"], term_months=data["term"], purpose=data["purpose"]
            ),
            borrower=borrower,
            logged_in=not anonymous,
            channel=channel_of(request),
            sort=data.get("sort") or "apr",
            page=_page_number(request),
            per_page=PER_PAGE,
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "result": result,
        "anonymous": anonymous,
        "profile_incomplete": borrower_profile is not None
        and not _complete_for_matching(borrower_profile),
        "query": query.urlencode(),
        "purpose": form.cleaned_data.get("purpose", "")
        if form.is_bound and form.is_valid()
        else "",
        "page_number": _page_number(request),
        "per_page": PER_PAGE,
    }
    template = "applications/_match_results.html" if request.htmx else "applications/match.html"
    return render(request, template, context)


MASKS = {"full_name": mask_name, "mobile": mask_mobile, "national_id": mask_national_id}


def _shared_rows(profile: BorrowerProfile) -> list[tuple[str, object]]:
    """The fields a lender would receive, labelled, identity masked (the borrower sees the
    exact list of what goes, not their ID number on screen again)."""
    rows = []
    for name in services.fields_to_share(profile):
        value = getattr(profile, name)
        if name in MASKS and value:
            value = MASKS[name](value)
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif isinstance(value, Decimal):
            value = cny(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif name in ("city", "occupation"):
            value = getattr(profile, f"get_{name}_display")()
        rows.append((BorrowerProfile._meta.get_field(name).verbose_name, value))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, lender_slug: str, product_slug: str) -> HttpResponse:
    """The cost disclosure and the consent for this lender alone, then the application."""
    try:
        product = lender_selectors.product_for_borrowers(
            lender_slug=lender_slug, product_slug=product_slug
        )
    except LoanProduct.DoesNotExist:
        raise Http404 from None
    borrower = _own_profile(request)
    missing = services.incomplete_steps(borrower)
    if missing:
        messages.info(request, _("Please finish your profile first; then you come back here."))
        url = reverse("applications:profile_step", args=[missing[0]])
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
    form = ApplyForm(request.POST or None, initial=request.GET.dict())
    data = request.POST if request.method == "POST" else request.GET
    check = CalculatorForm(data, product=product)
    if not check.is_valid():
        return render(
            request,
            "applications/apply_unavailable.html",
            {"product": product, "errors": check.errors},
            status=400,
        )
    amount, term = check.cleaned_data["amount"], check.cleaned_data["term"]
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                borrower=request.user,
                product=product,
                amount=amount,
                term_months=term,
                purpose=form.cleaned_data["purpose"],
                consented_fields=services.fields_to_share(borrower),
                ip_address=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(application)
    schedule = lender_quotes.quote(
        product, amount=amount, term_months=term, start=timezone.localdate()
    )
    return render(
        request,
        "applications/apply.html",
        {
            "form": form,
            "product": product,
            "lender": product.lender,
            "schedule": schedule,
            "shared": _shared_rows(borrower),
        },
        status=400 if request.method == "POST" else 200,
    )


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
