"""Reads of lenders and products: only published products of active lenders reach borrowers."""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, FilteredRelation, Q, QuerySet

from . import caps
from .models import ApplicationIntake, Lender, LoanProduct

CATALOGUE_VERSION_KEY = "lenders:catalogue-version"
CAPS_VERSION_KEY = "lenders:caps-version"
CLOSED_SECONDS = 24 * 3600


class Sort:
    APR = "apr"
    AMOUNT = "amount"
    SPEED = "speed"


@dataclass(frozen=True)
class CatalogueFilters:
    amount: Decimal | None = None
    term_months: int | None = None
    category: str = ""
    lender_kind: str = ""
    max_apr: Decimal | None = None
    repayment_method: str = ""
    sort: str = Sort.APR


def catalogue_version() -> str:
    """Changes whenever a product or lender changes; part of every cached page's key.

    A fresh cache starts a fresh version, so nothing cached before it can be served.
    """
    return cache.get_or_set(CATALOGUE_VERSION_KEY, lambda: uuid.uuid4().hex, None)


def caps_version() -> str:
    """Changes whenever a product reaches a cap or its caps are edited (not when a period
    starts: keys made with it also carry the day). Separate from the catalogue's version, so
    a cap being reached never rebuilds matching's snapshot."""
    return cache.get_or_set(CAPS_VERSION_KEY, lambda: uuid.uuid4().hex, None)


def closed_products(*, now: datetime.datetime | None = None) -> dict[int, datetime.date]:
    """The products at their daily or monthly cap now, each with the day it takes
    applications again (the later of the two when both are reached).

    One small query per caps version and day (Beijing time), cached in the shared cache:
    pages and matching apply it on top of what they cache per catalogue version.
    """
    starts = caps.period_starts(now=now)
    key = f"lenders:closed:{caps_version()}:{starts[caps.DAY].isoformat()}"
    closed = cache.get(key)
    if closed is not None:
        return closed
    rows = ApplicationIntake.objects.filter(
        Q(period=caps.DAY, starts_on=starts[caps.DAY], taken__gte=F("product__daily_cap"))
        | Q(period=caps.MONTH, starts_on=starts[caps.MONTH], taken__gte=F("product__monthly_cap"))
    ).values_list("product_id", "period", "starts_on")
    closed = {}
    for product_id, period, starts_on in rows:
        reopens = caps.reopens_on(period=period, starts_on=starts_on)
        closed[product_id] = max(reopens, closed.get(product_id, reopens))
    cache.set(key, closed, CLOSED_SECONDS)
    return closed


def places_taken(*, product: LoanProduct, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many applications the product has accepted today and this month (Beijing time),
    as counted against its caps (counted only while it has that cap)."""
    starts = caps.period_starts(now=now)
    rows = ApplicationIntake.objects.filter(
        Q(period=caps.DAY, starts_on=starts[caps.DAY])
        | Q(period=caps.MONTH, starts_on=starts[caps.MONTH]),
        product=product,
    ).values_list("period", "taken")
    return {caps.DAY: 0, caps.MONTH: 0, **dict(rows)}


LENDER_SECRETS = ("lender__webhook_secret", "lender__previous_webhook_secret")


def published_products() -> QuerySet[LoanProduct]:
    """Published products of active lenders, with their lender (never its secrets)."""
    return (
        LoanProduct.objects.filter(
            status=LoanProduct.Status.PUBLISHED, lender__status=Lender.Status.ACTIVE
        )
        .select_related("lender")
        .defer(*LENDER_SECRETS)
    )


def catalogue_products(*, filters: CatalogueFilters) -> QuerySet[LoanProduct]:
    """Published offers that fit the filters, cheapest true cost first by default.

    With a term, ranking and the APR ceiling use that term's APR; without one, the
    product's lowest APR.
    """
    products = published_products()
    if filters.amount is not None:
        products = products.filter(min_amount__lte=filters.amount, max_amount__gte=filters.amount)
    apr = F("apr_min")
    if filters.term_months is not None:
        products = products.filter(
            min_term_months__lte=filters.term_months, max_term_months__gte=filters.term_months
        ).annotate(
            term_rate=FilteredRelation(
                "term_aprs", condition=Q(term_aprs__term_months=filters.term_months)
            ),
            term_apr=F("term_rate__apr"),
        )
        apr = F("term_apr")
    if filters.category:
        products = products.filter(category=filters.category)
    if filters.lender_kind:
        products = products.filter(lender__kind=filters.lender_kind)
    if filters.repayment_method:
        products = products.filter(repayment_method=filters.repayment_method)
    if filters.max_apr is not None:
        products = products.alias(ranked_apr=apr).filter(ranked_apr__lte=filters.max_apr)
    order = {
        Sort.APR: [apr.asc(nulls_last=True)],
        Sort.AMOUNT: [F("max_amount").desc()],
        Sort.SPEED: [F("approval_minutes").asc()],
    }[filters.sort]
    return products.order_by(*order, "lender__name", "name", "pk")


def product_for_borrowers(*, lender_slug: str, product_slug: str) -> LoanProduct:
    """A published product of an active lender; raises ``LoanProduct.DoesNotExist`` otherwise."""
    return published_products().get(lender__slug=lender_slug, slug=product_slug)


def category_counts() -> dict[str, int]:
    """How many products borrowers can see in each category."""
    rows = published_products().values("category").annotate(n=Count("pk")).order_by()
    return {row["category"]: row["n"] for row in rows}
