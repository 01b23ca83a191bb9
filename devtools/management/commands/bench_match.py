"""``bench_match``: how long one match takes, and how many queries, at catalogue scale.

Loads the demo data plus generated products into the configured database (reusing those
already there), warms the matchable-products snapshot with one match, then times
``services.find_offers`` (called as the /match/ page calls it) for varied requests,
alternately from anonymous visitors (bands) and logged-in borrowers (a full profile).
Prints one JSON line; progress goes to stderr.
"""

import json
import math
import random
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import matching, services
from applications.bands import AGE_BANDS, INCOME_BANDS, Band
from applications.selectors import matchable_products
from applications.views import PER_PAGE
from devtools.demo.catalogue import create_bench_products, load_demo
from lenders.choices import City, LoanPurpose, Occupation
from lenders.selectors import published_products

CHANNEL = "bench"
MIN_AMOUNT, MAX_AMOUNT = 500, 300_000
MIN_TERM, MAX_TERM = 1, 60
TRADING = {Occupation.BUSINESS_OWNER, Occupation.SELF_EMPLOYED}


def loan_request(*, rng: random.Random, purpose: str) -> matching.LoanRequest:
    """Amounts spread evenly on a log scale, as borrowers ask (many small, few large), so
    that the bench prices the offers a real borrower is shown, not mostly refusals."""
    amount = math.exp(rng.uniform(math.log(MIN_AMOUNT), math.log(MAX_AMOUNT)))
    return matching.LoanRequest(
        amount=Decimal(max(MIN_AMOUNT, round(amount, -2))),
        term_months=rng.randint(MIN_TERM, MAX_TERM),
        purpose=purpose,
    )


def anonymous_borrower(*, rng: random.Random) -> matching.Borrower:
    """What the page knows of a visitor: the four bands of the match form."""
    return matching.Borrower(
        age=rng.choice(list(AGE_BANDS.values()))[0],
        monthly_income=rng.choice(list(INCOME_BANDS.values()))[0],
        city=rng.choice(City.values),
        occupation=rng.choice(Occupation.values),
    )


def full_borrower(*, rng: random.Random) -> matching.Borrower:
    """What the page knows of a borrower with a complete profile: exact values."""
    occupation = rng.choice(Occupation.values)
    income = Decimal(rng.randrange(1_000, 60_000, 100))
    trading = occupation in TRADING
    return matching.Borrower(
        age=Band.exactly(rng.randint(18, 70)),
        monthly_income=Band.exactly(income),
        city=rng.choice(City.values),
        occupation=occupation,
        months_in_job=rng.randint(0, 240),
        has_social_insurance=rng.random() < 0.7,
        monthly_debt_payments=(income * Decimal(rng.randint(0, 40)) / 100).quantize(Decimal(1)),
        monthly_business_revenue=Decimal(rng.randrange(0, 500_000, 1_000)) if trading else None,
        years_trading=rng.randint(0, 20) if trading else None,
    )


def percentile(*, values: list[float], pct: float) -> float:
    """The nearest-rank percentile (a value that was measured, never an interpolation)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(pct / 100 * len(ordered)), 1) - 1]


class Command(BaseCommand):
    help = (
        "Benchmark matching against the whole catalogue (services.find_offers, as /match/ "
        "calls it); print one JSON line with median_ms, p95_ms and queries_per_match."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7, help="Seeds the varied requests.")

    def handle(self, *args, products: int, runs: int, seed: int, **options) -> None:
        if runs < 1 or products < 0:
            raise CommandError("--runs must be positive and --products not negative.")

        self.stderr.write(f"Loading the demo data and {products} generated products...")
        load_demo()
        create_bench_products(count=products)

        rng = random.Random(seed)  # noqa: S311 - reproducible load, not secrets
        purposes = LoanPurpose.values
        self.stderr.write("Warming the matchable-products snapshot...")
        services.find_offers(
            request=loan_request(rng=rng, purpose=purposes[0]),
            borrower=anonymous_borrower(rng=rng),
            logged_in=False,
            channel=CHANNEL,
            per_page=PER_PAGE,
        )
        matched = len(matchable_products())
        published = published_products().count()
        if matched != published:
            raise CommandError(
                f"The snapshot holds {matched} products but {published} are published: "
                "the catalogue version did not change (run outside a transaction, or "
                "let its on-commit callbacks run)."
            )

        self.stderr.write(f"Matching {runs} times against {matched} products...")
        timings_ms: list[float] = []
        query_counts: list[int] = []
        eligible: list[int] = []
        for run in range(runs):
            anonymous = run % 2 == 0
            borrower = anonymous_borrower(rng=rng) if anonymous else full_borrower(rng=rng)
            request = loan_request(rng=rng, purpose=purposes[run % len(purposes)])
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = services.find_offers(
                    request=request,
                    borrower=borrower,
                    logged_in=not anonymous,
                    channel=CHANNEL,
                    per_page=PER_PAGE,
                )
                timings_ms.append((time.perf_counter() - started) * 1000)
            query_counts.append(len(queries))
            eligible.append(result.eligible)

        max_queries = max(query_counts)
        line = {
            "products": matched,
            "runs": runs,
            "median_ms": round(statistics.median(timings_ms), 2),
            "p95_ms": round(percentile(values=timings_ms, pct=95), 2),
            "max_queries_per_match": max_queries,
            "queries_per_match": max_queries,
            "eligible_median": statistics.median(eligible),
        }
        if min(query_counts) != max_queries:
            self.stderr.write(f"Queries per match varied: {min(query_counts)} to {max_queries}.")
        self.stdout.write(json.dumps(line))
