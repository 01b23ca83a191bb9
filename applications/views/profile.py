"""The borrower's profile, in short steps. Every view reads the signed-in borrower's own
profile through ``request.user``, never by an id in the URL."""

from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from loanmarket.http import client_ip

from .. import selectors, services
from ..exceptions import ApplicationError, IdentitySavesLimited, UnderAge
from ..forms import BusinessForm, IdentityForm, MoneyForm, WorkForm
from ..masking import mask_mobile, mask_name, mask_national_id
from ..models import BorrowerProfile


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
# Saved values never shown again in full. (The date of birth is not asked at all: it is
# digits 7-14 of the ID number, read from it when the number is saved.)
KEEP_IF_EMPTY = ("mobile", "national_id")
# Each identity post may test whether an ID number is registered, or a date of birth:
# allauth's rate limits count every one, refused or not, per account and per client
# address (ACCOUNT_RATE_LIMITS["save_identity"]).
IDENTITY_SAVES = "save_identity"
# A refused save, shown on the form: the field its error belongs to (else the whole form),
# and the status (else 400).
ERROR_FIELDS = {UnderAge.code: "national_id"}
ERROR_STATUS = {IdentitySavesLimited.code: 429}


def steps_for(profile: BorrowerProfile) -> list[Step]:
    return [STEPS[slug] for slug in services.steps_for(profile)]


def is_complete(profile: BorrowerProfile, step: Step) -> bool:
    return all(getattr(profile, name) not in (None, "") for name in step.required)


def own_profile(request: HttpRequest, *, for_matching: bool = False) -> BorrowerProfile:
    """The signed-in borrower's profile (an empty one for accounts made before profiles)."""
    found = selectors.profile_of(request.user, identity=not for_matching)
    return found or services.create_profile(user=request.user)


def _safe_next(request: HttpRequest) -> str:
    """A return address on this site (a path), or nothing."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if allowed and target.startswith("/") else ""


def _save(request: HttpRequest, step: Step, form: Form) -> BorrowerProfile | None:
    """One step saved, or None for a form with errors. An identity post is counted before
    its form is even read: a refused one may have tested a number or a date as well."""
    if step.form_class is IdentityForm and not ratelimit.consume(request, action=IDENTITY_SAVES):
        raise IdentitySavesLimited
    if not form.is_valid():
        return None
    fields = {
        name: value
        for name, value in form.cleaned_data.items()
        if not (name in KEEP_IF_EMPTY and not value)
    }
    return services.update_profile(user=request.user, fields=fields, client_ip=client_ip(request))


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    borrower = own_profile(request)
    steps = [(step, is_complete(borrower, step)) for step in steps_for(borrower)]
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
# The date of birth is not asked, but one posted anyway is no less personal.
@sensitive_post_parameters("full_name", "mobile", "national_id", "date_of_birth", "employer")
def profile_step(request: HttpRequest, step: str) -> HttpResponse:
    borrower = own_profile(request)
    steps = steps_for(borrower)
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
    form = form_class(request.POST or None, initial=initial)
    for name in KEEP_IF_EMPTY:
        if name in form.fields and saved_secrets[name]:
            form.fields[name].required = False
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        try:
            updated = _save(request, current, form)
        except ApplicationError as exc:
            updated = None
            form.add_error(ERROR_FIELDS.get(exc.code), exc.message)
            status = ERROR_STATUS.get(exc.code, 400)
        if updated is not None:
            messages.success(request, _("Saved."))
            remaining = [s for s in steps_for(updated) if not is_complete(updated, s)]
            target = _safe_next(request)
            if remaining:
                url = reverse("applications:profile_step", args=[remaining[0].slug])
                return redirect(f"{url}?{urlencode({'next': target})}" if target else url)
            return HttpResponseRedirect(target or reverse("applications:profile"))
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
        status=status,
    )
