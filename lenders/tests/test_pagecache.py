"""The page cache: what a key is made of, where pages live, and the CSRF token's one place."""

import copy
import re

import pytest
from allauth.core import ratelimit
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory

from lenders import pagecache
from loanmarket.settings import base as base_settings

pytestmark = pytest.mark.django_db

CATALOGUE = "/loans/"
TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "correct horse battery"  # the borrower fixture's


@pytest.fixture
def make_run_caches(settings):
    """The caches ``make run`` uses (base.py's defaults: tables in the database, created by
    ``createcachetable`` as its Makefile does), so that culling happens as it would there."""
    settings.CACHES = copy.deepcopy(base_settings.CACHES)
    call_command("createcachetable", verbosity=0)
    return settings.CACHES


def rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def entries(caches: dict) -> tuple[int, int]:
    """How many entries the rate-limit (default) cache and the page cache hold."""
    return rows(caches["default"]["LOCATION"]), rows(caches["pages"]["LOCATION"])


def log_in(client, email: str, password: str) -> str:
    response = client.post(
        "/accounts/login/", {"login": email, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )
    return response.content.decode()


def lock_out(client, borrower) -> None:
    for _ in range(5):
        log_in(client, borrower.email, "wrong")
    assert "Too many failed login attempts" in log_in(client, borrower.email, PASSWORD)


# Hole 5: flooding the page cache reset login rate limits.


def test_a_flood_of_unknown_parameters_leaves_a_locked_account_locked(
    client, borrower, make_run_caches
):
    """330 distinct ``?flood=N`` pages once pushed allauth's counters out of the shared
    database cache (it culls above 300 entries), and the locked account could log in."""
    lock_out(client, borrower)

    for n in range(330):
        assert client.get(CATALOGUE, {"flood": n}).status_code == 200

    assert "Too many failed login attempts" in log_in(client, borrower.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_flood_of_new_visitors_leaves_a_locked_account_locked(client, borrower, make_run_caches):
    """Each new visitor with a channel label gets a session; their copies are kept apart from
    the rate-limit counters too."""
    lock_out(client, borrower)

    for n in range(330):
        assert Client().get(CATALOGUE, {"utm_source": f"flood{n}"}).status_code == 200

    assert "Too many failed login attempts" in log_in(client, borrower.email, PASSWORD)


def test_failed_logins_for_made_up_emails_leave_a_locked_account_locked(
    client, borrower, make_run_caches
):
    """allauth's own counters once culled each other: the default table dropped a third of
    itself past 300 entries, so enough failed logins (or password resets) for made-up emails,
    spread over addresses to stay under each one's limit, freed the locked account. The
    flood is counted by allauth's own rate limiter, as its login view counts each failure."""
    lock_out(client, borrower)
    for address in range(250):  # nine failures from each, under its limit of ten a minute
        request = RequestFactory().post(
            "/accounts/login/", REMOTE_ADDR=f"10.{address // 200}.{address % 200}.1"
        )
        for n in range(9):
            ratelimit.consume(request, action="login_failed", key=f"nobody{address}-{n}@x.test")

    assert "Too many failed login attempts" in log_in(client, borrower.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_pages_never_touch_the_rate_limit_cache(client, make_run_caches, daily_rate_product):
    client.get(CATALOGUE)
    counters, pages = entries(make_run_caches)

    for amount in range(1000, 1020):
        client.get(CATALOGUE, {"amount": amount, "term": "12"})
    client.get(daily_rate_product.get_absolute_url(), {"amount": "5000", "term": "6"})

    assert entries(make_run_caches) == (counters, pages + 21)


def test_unknown_parameters_share_one_cached_page(client, make_run_caches, daily_rate_product):
    client.get(CATALOGUE, {"amount": "10000"})
    before = entries(make_run_caches)

    for n in range(20):
        response = client.get(CATALOGUE, {"amount": "10000", "flood": n, "utm_x": "y"})

    assert entries(make_run_caches) == before
    assert "flood" not in response.content.decode()


def test_one_value_spelt_several_ways_is_one_cached_page(client, make_run_caches):
    client.get(CATALOGUE, {"amount": "10000", "term": "12"})
    before = entries(make_run_caches)

    for amount in ("10000.00", "1e4", " 10000 ", "10000.0"):
        client.get(CATALOGUE, {"amount": amount, "term": "012"})
    client.get(CATALOGUE, {"term": "12", "amount": "10000", "sort": "apr"})

    assert entries(make_run_caches) == before


@pytest.mark.parametrize(
    "params",
    [{"amount": "lots"}, {"page": "x"}, {"page": "99"}, {"sort": "cheapest"}],
)
def test_invalid_input_is_shown_but_not_cached(client, make_run_caches, daily_rate_product, params):
    client.get(CATALOGUE)
    before = entries(make_run_caches)

    response = client.get(CATALOGUE, params)

    assert response.status_code == 200
    assert "Daily Loan" in response.content.decode()
    assert entries(make_run_caches) == before


def test_an_invalid_calculator_request_is_shown_but_not_cached(
    client, make_run_caches, flat_fee_product
):
    client.get(CATALOGUE)
    before = entries(make_run_caches)
    schedule = f"{flat_fee_product.get_absolute_url()}schedule.json"

    page = client.get(flat_fee_product.get_absolute_url(), {"amount": "999999", "term": "6"})
    json = client.get(schedule, {"amount": "abc", "term": "6"})

    assert page.status_code == 200
    assert json.status_code == 400
    assert entries(make_run_caches) == before


def test_a_cached_page_shows_no_other_visitors_parameters(client, daily_rate_product):
    """The first visitor's extra parameters are not rendered into the page others get
    (not in the pagination links, nor in the language switch's return address)."""
    client.get(CATALOGUE, {"amount": "5000", "utm_source": "first-visitor"})

    html = Client().get(CATALOGUE, {"amount": "5000.00"}).content.decode()

    assert "first-visitor" not in html
    assert 'name="next" value="/loans/?amount=5000' in html


# Hole 13: the CSRF placeholder could be injected through the query string.


def token_places(html: str) -> tuple[str, int, int]:
    """The page's CSRF token (a real one: 64 letters and digits), how many token fields
    carry it, and how many times it appears in the whole page."""
    tokens = TOKEN_FIELD.findall(html)
    assert tokens, "the page has a token field"
    assert len(set(tokens)) == 1
    assert re.fullmatch(r"[A-Za-z0-9]{64}", tokens[0]), tokens[0]
    return tokens[0], len(tokens), html.count(tokens[0])


@pytest.mark.parametrize(
    "query",
    [
        {"x": pagecache.CSRF_MARKER},
        {"x": "__csrf-token__"},
        {"x": f'name="csrfmiddlewaretoken" value="{pagecache.CSRF_MARKER}"'},
        {"amount": "lots", "x": pagecache.CSRF_MARKER},  # rendered afresh, not cached
        {"amount": pagecache.CSRF_MARKER},
    ],
)
def test_the_marker_in_a_query_string_never_puts_the_token_outside_its_field(
    client, daily_rate_product, query
):
    for path in (CATALOGUE, "/", daily_rate_product.get_absolute_url()):
        html = client.get(path, query).content.decode()

        _token, fields, occurrences = token_places(html)
        assert occurrences == fields, path


def test_a_page_cached_by_another_process_gets_this_visitors_token(
    client, daily_rate_product, monkeypatch
):
    """Each process has its own random marker; a page rendered elsewhere still gets the token."""
    client.get(CATALOGUE)
    monkeypatch.setattr(pagecache, "CSRF_MARKER", "another-process-marker")

    html = Client().get(CATALOGUE).content.decode()

    _token, fields, occurrences = token_places(html)
    assert occurrences == fields


def test_the_product_page_and_its_schedule_make_one_key_per_request_whatever_is_added(
    client, make_run_caches, daily_rate_product
):
    """Cache-busting junk, and the same amount and term in full-width or Arabic-Indic
    digits, exponents or padding: one cached product page and one schedule."""
    page = daily_rate_product.get_absolute_url()
    schedule = f"{page}schedule.json"
    client.get(page, {"amount": "5000", "term": "6"})
    client.get(schedule, {"amount": "5000", "term": "6"})
    before = entries(make_run_caches)

    for n in range(30):
        junk = {f"x{n}": "y" * 200, "_": str(n), "utm_source": f"s{n}"}
        client.get(page, {"amount": "5000", "term": "6", **junk})
        client.get(schedule, {"amount": "5000", "term": "6", **junk})
    for amount, term in (("５０００", "６"), ("٥٠٠٠", "٦"), ("5e3", "06"), (" 5000.00 ", "6")):
        assert client.get(page, {"amount": amount, "term": term}).status_code == 200
        assert client.get(schedule, {"amount": amount, "term": term}).status_code == 200

    assert entries(make_run_caches) == before


@pytest.mark.parametrize(
    ("amount", "term"),
    [("1e999999999", "6"), ("9" * 5000, "6"), ("5000", "9" * 5000), ("NaN", "6"), ("sNaN", "6")],
)
def test_huge_or_non_numbers_are_a_400_with_the_limits_and_never_cached(
    client, make_run_caches, daily_rate_product, amount, term
):
    page = daily_rate_product.get_absolute_url()
    client.get(page)
    before = entries(make_run_caches)

    response = client.get(f"{page}schedule.json", {"amount": amount, "term": term})
    shown = client.get(page, {"amount": amount, "term": term})

    assert response.status_code == 400
    assert set(response.json()) == {"error", "parameter", "limits"}
    assert shown.status_code == 200
    assert entries(make_run_caches) == before
