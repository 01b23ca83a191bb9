"""Matching: the borrower's offers, on the saved profile or (signed out) on four bands."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from loanmarket.numbers import parse_int

from .. import matching, selectors, services
from ..bands import AGE_BANDS, INCOME_BANDS
from ..forms import MatchForm
from ..middleware import channel_of
from ..models import BorrowerProfile
from .profile import is_complete, own_profile, steps_for

PER_PAGE = 20
QUICK_START = ("amount", "term")
MAX_PAGE = 9_999


def _page_number(request: HttpRequest) -> int:
    return parse_int(request.GET.get("page"), default=1, minimum=1, maximum=MAX_PAGE)


def _complete_for_matching(profile: BorrowerProfile) -> bool:
    """Whether matching knows all it asks (identity aside, which it never reads)."""
    steps = [step for step in steps_for(profile) if step.slug != "identity"]
    return profile.date_of_birth is not None and all(is_complete(profile, s) for s in steps)


@require_GET
@vary_on_headers("HX-Request", "Cookie")
def match(request: HttpRequest) -> HttpResponse:
    anonymous = not request.user.is_authenticated
    # The home page's quick form sends only an amount and a term: start from them, and say
    # what is wrong with them (the questions it did not ask are not errors).
    complete = "purpose" in request.GET
    started = complete or any(name in request.GET for name in QUICK_START)
    form = MatchForm(request.GET if started else None, anonymous=anonymous, partial=not complete)
    borrower_profile = None if anonymous else own_profile(request, for_matching=True)
    result = None
    if complete and form.is_valid():
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
        "purpose": form.cleaned_data.get("purpose", "") if complete and form.is_valid() else "",
        "page_number": _page_number(request),
        "per_page": PER_PAGE,
    }
    template = "applications/_match_results.html" if request.htmx else "applications/match.html"
    return render(request, template, context)
