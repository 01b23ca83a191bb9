import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def bench_match(*, products: int, runs: int, capture_on_commit) -> dict:
    """Run the benchmark as if each of its writes committed (the catalogue version moves on
    commit, and the matchable-products snapshot follows it); return its one JSON line."""
    stdout = StringIO()
    with capture_on_commit(execute=True):
        call_command("bench_match", products=products, runs=runs, stdout=stdout)
    lines = stdout.getvalue().splitlines()
    assert len(lines) == 1, lines
    return json.loads(lines[0])


def test_bench_match_reports_its_runs_over_every_published_product(
    django_capture_on_commit_callbacks,
):
    """At a small size the benchmark runs end to end and matches the whole catalogue."""
    line = bench_match(products=30, runs=10, capture_on_commit=django_capture_on_commit_callbacks)

    assert line["runs"] == 10
    assert line["products"] >= 30
    assert line["median_ms"] > 0
    assert line["p95_ms"] >= line["median_ms"]
    assert line["queries_per_match"] == line["max_queries_per_match"]


def test_bench_match_queries_per_match_stay_flat_as_products_grow(
    django_capture_on_commit_callbacks,
):
    """Doubling the catalogue adds no query to a match: products come from the snapshot."""
    small = bench_match(products=30, runs=10, capture_on_commit=django_capture_on_commit_callbacks)
    large = bench_match(products=60, runs=10, capture_on_commit=django_capture_on_commit_callbacks)

    assert large["products"] == small["products"] + 30
    assert 1 <= small["queries_per_match"] <= 2
    assert large["queries_per_match"] == small["queries_per_match"]
