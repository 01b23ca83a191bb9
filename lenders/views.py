"""Borrower-facing pages of the catalogue. Everything here is public and read-only.

Each page depends only on its validated parameters, the language and the catalogue's version,
so it is rendered once and cached (``pagecache``); the calculator and filters answer htmx
requests with just the part that changes. Invalid input is answered, and not cached.
"""

import functools
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from . import quotes, selectors
from .caps import not_taking_until
from .forms import (
    CalculatorForm,
    CalculatorQuery,
    CatalogueFilterForm,
    QuickRequestForm,
    canonical,
    page_number,
)
from .models import LoanProduct
from .pagecache import cached_payload, page_response, render_page
from .templatetags.money import cny

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
        return {"page": render_page(request, "lenders/home.html", context, params={})}

    return page_response(request, cached_payload(request, "home", {}, build))


Query = tuple[tuple[str, tuple[str, ...]], ...]


def _query_of(request: HttpRequest) -> Query:
    """The query string as a hashable value, one spelling per set of parameters."""
    return tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))


@functools.lru_cache(maxsize=1024)
def _catalogue_params(query: Query) -> tuple[tuple[str, str], ...] | None:
    """The catalogue's validated, normalised parameters for this query string (``None`` when
    invalid). Building a form twice cost more than serving the cached page, so the answer is
    kept per query string, in this process, for the hot ones."""
    form = CatalogueFilterForm(QueryDict(urlencode(query, doseq=True)))
    number = page_number(dict(query).get("page", ("",))[-1] or None)
    if not form.is_valid() or number is None:
        return None
    values = canonical(form.cleaned_data)
    return tuple({**values, **({"page": str(number)} if number > 1 else {})}.items())


@require_GET
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    valid = _catalogue_params(_query_of(request))
    params = None if valid is None else dict(valid)

    def build() -> dict:
        form = CatalogueFilterForm(request.GET if params is None else params)
        form.is_valid()  # shown normalised; or, when invalid, with its errors
        if params is None:
            number = page_number(request.GET.get("page"))  # None: not a page number at all
        else:
            number = int(params.get("page", 1))
        # Pagination links carry the filters the form reads, never anything else asked.
        query = QueryDict(mutable=True)
        for name in form.fields:
            if form.data.get(name):
                query[name] = form.data[name]
        filters = form.filters()
        paginator = Paginator(selectors.catalogue_products(filters=filters), PAGE_SIZE)
        page = paginator.get_page(number)
        today = timezone.localdate()
        closed = selectors.closed_products()
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
                    "url": _product_url(product, filters),
                    "example": quotes.representative_quote(product, start=today),
                    "request": request_quote,
                    "closed": closed.get(product.pk) and not_taking_until(closed[product.pk]),
                }
            )
        context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
        return {
            "page": render_page(request, "lenders/catalogue.html", context, params=params),
            "results": render_to_string("lenders/_results.html", context),
            "cache": page.number == number,  # not a page past the last
        }

    payload = cached_payload(request, "catalogue", params, build)
    if request.htmx:
        return HttpResponse(payload["results"])
    return page_response(request, payload)


def _product_url(product: LoanProduct, filters: selectors.CatalogueFilters) -> str:
    """The product's page, opening on the amount and term the catalogue was asked for when
    the product lends them (else on its representative example)."""
    amount, term = filters.amount, filters.term_months
    url = product.get_absolute_url()
    if amount is None or term is None:
        return url
    if not (
        product.min_amount <= amount <= product.max_amount
        and product.min_term_months <= term <= product.max_term_months
    ):
        return url
    return f"{url}?{urlencode(canonical({'amount': amount, 'term': term}))}"


def _limits(product: LoanProduct) -> dict[str, str]:
    return {
        "min_amount": str(product.min_amount),
        "max_amount": str(product.max_amount),
        "min_term_months": str(product.min_term_months),
        "max_term_months": str(product.max_term_months),
    }


def _limits_sentence(product: LoanProduct) -> str:
    return _("This product lends %(min)s to %(max)s over %(low)s to %(high)s months.") % {
        "min": cny(product.min_amount),
        "max": cny(product.max_amount),
        "low": product.min_term_months,
        "high": product.max_term_months,
    }


def _product_or_404(lender_slug: str, product_slug: str) -> LoanProduct:
    try:
        return selectors.product_for_borrowers(lender_slug=lender_slug, product_slug=product_slug)
    except LoanProduct.DoesNotExist:
        raise Http404 from None


def _calculator_params(request: HttpRequest) -> dict[str, str] | None:
    """A calculator request's amount, term and start, normalised; ``None`` when invalid for
    any product (a product's own range is checked once it is read)."""
    valid = _valid_calculator_query(_query_of(request))
    return None if valid is None else dict(valid)


@functools.lru_cache(maxsize=1024)
def _valid_calculator_query(query: Query) -> tuple[tuple[str, str], ...] | None:
    form = CalculatorQuery(QueryDict(urlencode(query, doseq=True)))
    return tuple(canonical(form.cleaned_data).items()) if form.is_valid() else None


@require_GET
@vary_on_headers("HX-Request")
def product_detail(request: HttpRequest, lender_slug: str, product_slug: str) -> HttpResponse:
    asked = "amount" in request.GET or "term" in request.GET
    params = _calculator_params(request) if asked else {}

    def build() -> dict:
        product = _product_or_404(lender_slug, product_slug)
        amount, term = quotes.representative_request(product)
        today = timezone.localdate()
        if asked:
            form = CalculatorForm(request.GET if params is None else params, product=product)
        else:
            form = CalculatorForm(initial={"amount": amount, "term": term}, product=product)
        start = today
        valid = not form.is_bound or form.is_valid()
        if form.is_bound and valid:
            amount, term = form.cleaned_data["amount"], form.cleaned_data["term"]
            start = form.cleaned_data["start"] or today
        # An invalid request shows its error and the product's limits, not some other schedule.
        schedule = (
            quotes.quote(product, amount=amount, term_months=term, start=start) if valid else None
        )
        reopens = selectors.closed_products().get(product.pk)
        context = {
            "product": product,
            "lender": product.lender,
            "closed": reopens and not_taking_until(reopens),
            "form": form,
            "schedule": schedule,
            "request_query": urlencode(canonical({"amount": amount, "term": term})),
        }
        return {
            "page": render_page(request, "lenders/product.html", context, params=params),
            "results": render_to_string("lenders/_calculator_result.html", context),
            "cache": valid,
        }

    payload = cached_payload(request, f"product:{lender_slug}:{product_slug}", params, build)
    if request.htmx:
        return HttpResponse(payload["results"])
    return page_response(request, payload)


@require_GET
def schedule_json(request: HttpRequest, lender_slug: str, product_slug: str) -> JsonResponse:
    """DESIGN.md's schedule.json; a bad parameter is 400 with which one and why."""
    params = _calculator_params(request)

    def build() -> dict:
        product = _product_or_404(lender_slug, product_slug)
        form = CalculatorForm(request.GET if params is None else params, product=product)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            return {
                "status": 400,
                "body": {
                    "error": f"{field}: {errors[0]} {_limits_sentence(product)}",
                    "parameter": field,
                    "limits": _limits(product),
                },
                "cache": False,
            }
        schedule = quotes.quote(
            product,
            amount=form.cleaned_data["amount"],
            term_months=form.cleaned_data["term"],
            start=form.cleaned_data["start"] or timezone.localdate(),
        )
        return {"status": 200, "body": schedule.as_dict()}

    payload = cached_payload(request, f"schedule:{lender_slug}:{product_slug}", params, build)
    return JsonResponse(
        payload["body"], status=payload["status"], json_dumps_params={"ensure_ascii": False}
    )
