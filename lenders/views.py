"""Borrower-facing pages of the catalogue. Everything here is public and read-only.

Each page depends only on its query string, the language and the catalogue's version, so
it is rendered once and cached (``pagecache``); the calculator and filters answer htmx
requests with just the part that changes.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from . import quotes, selectors
from .forms import CalculatorForm, CatalogueFilterForm, QuickRequestForm
from .models import LoanProduct
from .pagecache import cached_payload, page_response, render_page

PAGE_SIZE = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        counts = selectors.category_counts()
        categories = [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in LoanProduct.Category.choices
        ]
        example_term = selectors.CatalogueFilters(term_months=quotes.REPRESENTATIVE_TERM)
        cheapest = list(selectors.catalogue_products(filters=example_term)[:3])
        today = timezone.localdate()
        context = {
            "form": QuickRequestForm(initial={"amount": 10000, "term": 12}),
            "categories": categories,
            "cheapest": [(p, quotes.representative_quote(p, start=today)) for p in cheapest],
        }
        return {"page": render_page(request, "lenders/home.html", context)}

    return page_response(request, cached_payload(request, "home", build)["page"])


@require_GET
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        form = CatalogueFilterForm(request.GET)
        form.is_valid()
        filters = form.filters()
        paginator = Paginator(selectors.catalogue_products(filters=filters), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        today = timezone.localdate()
        rows = []
        for product in page:
            request_quote = None
            if filters.amount is not None and filters.term_months is not None:
                request_quote = quotes.quote(
                    product, amount=filters.amount, term_months=filters.term_months, start=today
                )
            rows.append(
                {
                    "product": product,
                    "example": quotes.representative_quote(product, start=today),
                    "request": request_quote,
                }
            )
        query = request.GET.copy()
        query.pop("page", None)
        context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
        return {
            "page": render_page(request, "lenders/catalogue.html", context),
            "results": render_to_string("lenders/_results.html", context),
        }

    payload = cached_payload(request, "catalogue", build)
    if request.htmx:
        return HttpResponse(payload["results"])
    return page_response(request, payload["page"])


def _product_or_404(lender_slug: str, product_slug: str) -> LoanProduct:
    try:
        return selectors.product_for_borrowers(lender_slug=lender_slug, product_slug=product_slug)
    except LoanProduct.DoesNotExist:
        raise Http404 from None


@require_GET
@vary_on_headers("HX-Request")
def product_detail(request: HttpRequest, lender_slug: str, product_slug: str) -> HttpResponse:
    def build() -> dict:
        product = _product_or_404(lender_slug, product_slug)
        amount, term = quotes.representative_request(product)
        today = timezone.localdate()
        if "amount" in request.GET or "term" in request.GET:
            form = CalculatorForm(request.GET, product=product)
        else:
            form = CalculatorForm(initial={"amount": amount, "term": term}, product=product)
        start = today
        if form.is_bound and form.is_valid():
            amount, term = form.cleaned_data["amount"], form.cleaned_data["term"]
            start = form.cleaned_data["start"] or today
        schedule = quotes.quote(product, amount=amount, term_months=term, start=start)
        context = {"product": product, "lender": product.lender, "form": form, "schedule": schedule}
        return {
            "page": render_page(request, "lenders/product.html", context),
            "results": render_to_string("lenders/_schedule.html", context),
        }

    payload = cached_payload(request, f"product:{lender_slug}:{product_slug}", build)
    if request.htmx:
        return HttpResponse(payload["results"])
    return page_response(request, payload["page"])


@require_GET
def schedule_json(request: HttpRequest, lender_slug: str, product_slug: str) -> JsonResponse:
    """DESIGN.md's schedule.json; a bad parameter is 400 with which one and why."""

    def build() -> dict:
        product = _product_or_404(lender_slug, product_slug)
        form = CalculatorForm(request.GET, product=product)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            return {
                "status": 400,
                "body": {"error": f"{field}: {errors[0]}", "parameter": field},
            }
        schedule = quotes.quote(
            product,
            amount=form.cleaned_data["amount"],
            term_months=form.cleaned_data["term"],
            start=form.cleaned_data["start"] or timezone.localdate(),
        )
        return {"status": 200, "body": schedule.as_dict()}

    payload = cached_payload(request, f"schedule:{lender_slug}:{product_slug}", build)
    return JsonResponse(
        payload["body"], status=payload["status"], json_dumps_params={"ensure_ascii": False}
    )
