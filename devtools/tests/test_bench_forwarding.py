import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_bench_forwarding_delivers_everything_once_and_prints_one_json_line():
    """At a small size, end to end: none lost, none doubled (no timing assertions)."""
    stdout = StringIO()

    call_command(
        "bench_forwarding", applications=5, concurrency=1, stdout=stdout, stderr=StringIO()
    )

    (line,) = stdout.getvalue().splitlines()
    result = json.loads(line)
    assert result["delivered"] == 5
    assert result["lost"] == 0
    assert result["duplicates"] == 0
    assert result["concurrency"] == 1
    assert result["per_second"] > 0
