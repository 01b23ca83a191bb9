"""Property tests: whatever a client sends, the site answers without a 500 and never leaves
a half-written row.

Every form on the public and borrower pages is read from the page as a browser would
(with its CSRF token, signed in where the page needs it) and posted back with arbitrary
values: unicode, control characters, huge strings, numbers out of any range, foreign
choices, repeated and unknown parameters, raw bytes. Every GET view the URL resolver
knows (the admin aside) gets arbitrary query strings. A refused form writes nothing; an
application always has its consent and its delivery.

``FUZZ_EXAMPLES=500 pytest tests/test_fuzz.py`` searches longer than the suite does.
"""

import datetime
import os
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import quote_from_bytes, urlencode, urljoin, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from applications import services
from applications.models import Application, BorrowerProfile, Consent, Delivery
from devtools.testing.fixtures import VALID_ID, submit
from devtools.testing.html import Form, forms_in
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", examples)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# Values the attack used and that parsers trip on: digits int() refuses or reads, numbers
# out of range, dates that do not exist, markup, NUL and bidi controls.
TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e999",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "²",
    "①",
    "١٢٣",
    "１２",
    "9" * 40,
    "0.000000000000000000001",
    "\x00",
    "a\x00b",
    "\u202e",
    "\r\n",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "2026-02-30",
    "0000-00-00",
    "99999-01-01",
    VALID_ID,
]
# Digits of every script, superscripts and circled numbers: str.isdigit() accepts some
# that int() refuses, and int() reads others.
numberish = st.one_of(
    st.text(alphabet=st.characters(categories=("Nd",)), min_size=1, max_size=3),
    st.text(alphabet=st.characters(categories=("No",)), min_size=1, max_size=2),
)
tricky = st.sampled_from(TRICKY)
junk = st.one_of(
    tricky,
    numberish,
    tricky,
    st.text(max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(500, 10_000)),
)
# Names the site's views read (and that forms do not all show), or any name at all.
KNOWN_NAMES = [
    "amount",
    "term",
    "page",
    "sort",
    "purpose",
    "start",
    "next",
    "utm_source",
    "channel",
    "category",
    "lender_kind",
    "max_apr",
    "method",
    "age_band",
    "city",
    "occupation",
    "income_band",
]
known_name = st.sampled_from(KNOWN_NAMES)
param_name = st.one_of(known_name, known_name, known_name, st.text(min_size=1, max_size=12))


def values_for(form: Form, name: str) -> st.SearchStrategy[list[str]]:
    """One or more values: the form's own, one it offers, or junk."""
    own = [form.fields[name]] if name in form.fields else []
    one = st.one_of(st.sampled_from(own + form.offered.get(name, []) or [""]), junk)
    return st.lists(one, min_size=1, max_size=3)


@st.composite
def filled(draw, form: Form) -> dict[str, list[str]]:
    """The form filled in: each field kept, changed or left out, plus unknown parameters."""
    data: dict[str, list[str]] = {}
    for name in sorted(set(form.fields) | set(form.offered)):
        if name == "csrfmiddlewaretoken":
            data[name] = [form.fields[name]]  # a valid token: past CSRF, into the view
        elif draw(st.booleans()) or draw(st.booleans()):
            data[name] = draw(values_for(form, name))
    extra = draw(st.dictionaries(param_name, st.lists(junk, min_size=1, max_size=3), max_size=3))
    for name, values in extra.items():
        data.setdefault(name, values)
    return data


raw_query = st.one_of(
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    st.binary(max_size=200).map(quote_from_bytes),
)


@contextmanager
def rolled_back():
    """One example's writes are undone after it: each starts from the fixtures' state."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# The borrower's pages, the signed-in way: a business owner, so that all four profile steps
# exist, with one application open (its withdrawal asks on a page of its own) and one product to
# apply to. The lender has an API, so every application needs its delivery.
PROFILE = {
    "full_name": "李娜",
    "mobile": "13912345678",
    "national_id": VALID_ID,
    "date_of_birth": datetime.date(1990, 3, 7),
    "city": "beijing",
    "occupation": "business_owner",
    "employer": "示例有限公司",
    "months_in_job": 24,
    "monthly_income": Decimal("12000"),
    "has_social_insurance": True,
    "has_housing_fund": True,
    "has_credit_card": False,
    "monthly_debt_payments": Decimal("1000"),
    "monthly_business_revenue": Decimal("80000"),
    "years_trading": 5,
}


@pytest.fixture
def site(borrower):
    services.update_profile(user=borrower, fields=PROFILE)
    lender = LenderFactory(slug="fuzz-bank", api_base_url="http://127.0.0.1:9")
    applied = LoanProductFactory(lender=lender, slug="applied")
    open_for_apply = LoanProductFactory(lender=lender, slug="open")
    application = submit(get_user_model().objects.get(pk=borrower.pk), applied)
    return {"borrower": borrower, "product": open_for_apply, "application": application}


@pytest.fixture
def clients(site) -> dict[str, Client]:
    anonymous, signed_in = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    signed_in.force_login(site["borrower"])
    return {"anonymous": anonymous, "borrower": signed_in}


def rows() -> dict[str, int]:
    models = (get_user_model(), EmailAddress, BorrowerProfile, Application, Consent, Delivery)
    return {model.__name__: model.objects.count() for model in models}


def profile_values(borrower) -> dict[str, object]:
    profile = BorrowerProfile.objects.get(user=borrower)
    return {f.name: getattr(profile, f.name) for f in BorrowerProfile._meta.concrete_fields}


def assert_nothing_half_written() -> None:
    assert not Application.objects.filter(consent__isnull=True).exists()
    assert (
        not Application.objects.exclude(lender__api_base_url="")
        .exclude(deliveries__kind=Delivery.Kind.FORWARD)
        .exists()
    )
    assert (
        not get_user_model().objects.filter(is_staff=False, borrower_profile__isnull=True).exists()
    )


def assert_answered(response) -> None:
    assert response.status_code < 500, response.content[:2000]


FORM_PAGES = {
    "home": ("anonymous", lambda s: reverse("lenders:home")),
    "catalogue": ("anonymous", lambda s: reverse("lenders:catalogue")),
    "product calculator": (
        "anonymous",
        lambda s: reverse("lenders:product", args=["fuzz-bank", s["product"].slug]),
    ),
    "match": ("anonymous", lambda s: reverse("applications:match")),
    "match signed in": ("borrower", lambda s: reverse("applications:match")),
    "signup": ("anonymous", lambda s: reverse("account_signup")),
    "login": ("anonymous", lambda s: reverse("account_login")),
    "password reset": ("anonymous", lambda s: reverse("account_reset_password")),
    "profile identity": (
        "borrower",
        lambda s: reverse("applications:profile_step", args=["identity"]),
    ),
    "profile work": ("borrower", lambda s: reverse("applications:profile_step", args=["work"])),
    "profile money": ("borrower", lambda s: reverse("applications:profile_step", args=["money"])),
    "profile business": (
        "borrower",
        lambda s: reverse("applications:profile_step", args=["business"]),
    ),
    "apply": (
        "borrower",
        lambda s: (
            reverse("applications:apply", args=["fuzz-bank", s["product"].slug])
            + "?amount=20000&term=12"
        ),
    ),
    "withdraw": (
        "borrower",
        lambda s: reverse("applications:withdraw", args=[s["application"].pk]),
    ),
    "password change": ("borrower", lambda s: reverse("account_change_password")),
    "email addresses": ("borrower", lambda s: reverse("account_email")),
}


def submit_form(client: Client, page: str, form: Form, data, *, raw: str | None):
    target = urljoin(page, form.action) if form.action else page
    if form.method == "get":
        path = urlsplit(target).path
        if raw is not None:
            return client.get(path, QUERY_STRING=raw)
        return client.get(path, data)
    if raw is not None:
        token = urlencode({"csrfmiddlewaretoken": data["csrfmiddlewaretoken"][0]})
        body = f"{raw}&{token}".encode("latin-1")
        return client.post(target, body, content_type="application/x-www-form-urlencoded")
    return client.post(target, data)


@pytest.mark.parametrize("page_name", FORM_PAGES)
@fuzz(15)
@given(data=st.data())
def test_no_form_answers_500_or_leaves_a_half_written_row(site, clients, page_name, data):
    who, url_of = FORM_PAGES[page_name]
    client = clients[who]
    page = url_of(site)
    with rolled_back():
        shown = client.get(page)
        assert shown.status_code == 200, (page, shown.status_code)
        forms = [
            f for f in forms_in(shown.content.decode()) if f.action != reverse("account_logout")
        ]
        form = data.draw(st.sampled_from(forms), label="form")
        values = data.draw(filled(form), label="values")
        raw = data.draw(st.none() | raw_query, label="raw")
        before_rows, before_profile = rows(), profile_values(site["borrower"])

        response = submit_form(client, page, form, values, raw=raw)

        assert_answered(response)
        assert_nothing_half_written()
        if form.method == "post" and response.status_code != 302:
            assert rows() == before_rows
            assert profile_values(site["borrower"]) == before_profile


def _parameters(pattern) -> list[str]:
    return list(pattern.regex.groupindex)


def get_views() -> dict[str, list[str]]:
    """Every named route outside the admin, with the names of its path parameters."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace: str, params: list[str]) -> None:
        for entry in patterns:
            inner_params = params + _parameters(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, inner_params)
            elif isinstance(entry, URLPattern) and entry.name:
                found[f"{namespace}{entry.name}"] = inner_params

    walk(get_resolver().url_patterns, "", [])
    return found


def sample_kwargs(site, params: list[str]) -> dict[str, str]:
    """Path arguments that name real objects (or a key no link ever had)."""
    samples = {
        "lender_slug": "fuzz-bank",
        "product_slug": site["product"].slug,
        "application_id": str(site["application"].pk),
        "step": "identity",
        "key": "no-such-key",
        "uidb36": "1",
        "decision": "approve",
    }
    return {param: samples[param] for param in params}


GET_VIEWS = get_views()


queries = st.one_of(
    raw_query,
    st.dictionaries(param_name, st.lists(junk, min_size=1, max_size=3), max_size=6).map(
        lambda d: urlencode(d, doseq=True)
    ),
)


@pytest.mark.parametrize("view_name", GET_VIEWS)
@fuzz(8)
@given(who=st.sampled_from(["anonymous", "borrower"]), query=queries, htmx=st.booleans())
# The findings, tried on every view whatever the search draws.
@example(who="anonymous", query="page=%C2%B2", htmx=False)
@example(who="borrower", query="page=%E2%91%A0&amount=%C2%B2&term=%EF%BC%91", htmx=True)
@example(who="anonymous", query=urlencode(dict.fromkeys(map(str, range(1001)), "x")), htmx=False)
def test_no_get_view_answers_500_to_any_query_string(site, clients, view_name, who, query, htmx):
    client = clients[who]
    path = reverse(view_name, kwargs=sample_kwargs(site, GET_VIEWS[view_name]))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with rolled_back():
        response = client.get(path, QUERY_STRING=query, **headers)

        assert_answered(response)
        assert_nothing_half_written()
