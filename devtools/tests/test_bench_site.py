import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_bench_site_prints_one_json_line_per_page_without_errors():
    """At a small size, the benchmark runs end to end: the ceiling and four pages, no errors."""
    stdout = StringIO()

    call_command("bench_site", products=20, duration=1, connections=2, workers=1, stdout=stdout)

    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [line["page"] for line in lines] == [
        "ceiling",
        "catalogue",
        "catalogue_filtered",
        "detail",
        "schedule",
    ]
    for line in lines:
        assert line["errors"] == 0, line
        assert line["rps"] > 0, line
    assert lines[0]["ratio_to_ceiling"] == 1.0
