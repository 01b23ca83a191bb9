"""Applying: the cost disclosure and the consent for one lender, then the application."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lenders import selectors as lender_selectors
from lenders.caps import not_taking_until
from lenders.forms import CalculatorForm
from lenders.models import LoanProduct
from lenders.templatetags.money import cny
from loanmarket import legal
from loanmarket.http import client_ip

from .. import selectors, services
from ..exceptions import ApplicationError
from ..forms import ApplyForm
from ..masking import mask_mobile, mask_name, mask_national_id
from ..models import BorrowerProfile
from .profile import own_profile

FIELD_NAMES = {
    "amount": gettext_lazy("amount"),
    "term": gettext_lazy("term (months)"),
    "start": gettext_lazy("start date"),
}
MASKS = {"full_name": mask_name, "mobile": mask_mobile, "national_id": mask_national_id}


def _shared_rows(profile: BorrowerProfile) -> list[tuple[str, str, object]]:
    """The fields a lender would receive (name, label, value), identity masked: the
    borrower sees the exact list of what goes, not their ID number on screen again. The
    date of birth is named but not printed: it is digits 7-14 of the masked ID number."""
    rows = []
    for name in services.fields_to_share(profile):
        value = getattr(profile, name)
        if name in MASKS and value:
            value = MASKS[name](value)
        elif name == "date_of_birth" and value:
            value = _("Sent in full; not shown here")
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif isinstance(value, Decimal):
            value = cny(value)
        elif name in ("city", "occupation"):
            value = getattr(profile, f"get_{name}_display")()
        rows.append((name, BorrowerProfile._meta.get_field(name).verbose_name, value))
    return rows


def _request_problems(check: CalculatorForm) -> list[str]:
    """What is wrong with the amount or term asked for, each naming its field in words."""
    problems = []
    for name, errors in check.errors.as_data().items():
        label = check.fields[name].label if name in check.fields else ""
        for error in errors:
            if error.code == "required":
                problems.append(_("The %(field)s is missing.") % {"field": FIELD_NAMES[name]})
            else:
                message = " ".join(error.messages)
                problems.append(_("%(label)s: %(message)s") % {"label": label, "message": message})
    return problems


def _offer_url(product: LoanProduct, check: CalculatorForm) -> str:
    """The product page, keeping what of the request was valid."""
    kept = {name: check.data[name] for name in ("amount", "term") if name in check.cleaned_data}
    url = product.get_absolute_url()
    return f"{url}?{urlencode(kept)}" if kept else url


def _compare_url(request: HttpRequest) -> str:
    """Matching, for the amount, term and purpose asked here (the ones given)."""
    asked = {
        name: request.GET[name] for name in ("amount", "term", "purpose") if name in request.GET
    }
    url = reverse("applications:match")
    return f"{url}?{urlencode(asked)}" if asked else url


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
    already = selectors.open_application_to(request.user, product)
    if already is not None:
        if request.method == "POST":  # a second click, or a second tab: the one sent stands
            messages.info(request, _("You have already applied for this loan: here it is."))
            return redirect(already)
        return render(request, "applications/apply_open.html", {"application": already})
    reopens = lender_selectors.closed_products().get(product.pk)
    if reopens is not None and request.method == "GET":  # a POST is refused by the service
        return render(
            request,
            "applications/apply_closed.html",
            {
                "product": product,
                "closed": not_taking_until(reopens),
                "compare": _compare_url(request),
            },
            status=409,
        )
    borrower = own_profile(request)
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
            {
                "product": product,
                "problems": _request_problems(check),
                "back": _offer_url(product, check),
            },
            status=400,
        )
    amount, term = check.cleaned_data["amount"], check.cleaned_data["term"]
    mismatch = None
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                borrower=request.user,
                product=product,
                amount=amount,
                term_months=term,
                purpose=form.cleaned_data["purpose"],
                consent=form.cleaned_data["disclosure"],
                ip_address=client_ip(request),
            )
        except services.ConsentMismatch as exc:
            # What was shown no longer holds: show what does, to be confirmed again.
            mismatch = exc
            form = ApplyForm(
                initial={"amount": amount, "term": term, "purpose": form.cleaned_data["purpose"]}
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(application)
    disclosure = services.disclose(
        profile=borrower, product=product, amount=amount, term_months=term
    )
    return render(
        request,
        "applications/apply.html",
        {
            "form": form,
            "product": product,
            "lender": product.lender,
            "schedule": disclosure.schedule,
            "disclosure": disclosure.signed(),
            "shared": _shared_rows(borrower),
            "mismatch": mismatch,
            "credit_inquiry_version": legal.CREDIT_INQUIRY_VERSION,
        },
        status=409 if mismatch else 400 if request.method == "POST" else 200,
    )
