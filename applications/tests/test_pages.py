"""What every borrower page shares: the layout's messages, no caching of personal data, and
numbers from the query string read strictly."""

from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.urls import URLResolver, get_resolver, reverse
from django.utils.cache import get_max_age

from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


def test_a_message_a_cached_page_cannot_show_is_not_shown_later_out_of_place(
    borrower_client, full_profile
):
    saved = borrower_client.post(
        "/applications/profile/work/",
        {"city": "beijing", "occupation": "salaried", "next": "/"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert saved["Location"] == "/"

    home = borrower_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    match = borrower_client.get("/match/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Saved." not in home  # cached for every visitor: never one visitor's message
    assert "Saved." not in match  # nor later, on a page it has nothing to do with


NOT_PAGE_NUMBERS = ["²", "①", "١", "-1", "0", "1.5", "99999999999999999999", "9" * 5000, ""]
MATCH_ASK = {
    "amount": "20000",
    "term": "12",
    "purpose": "consumption",
    "age_band": "25-34",
    "city": "beijing",
    "occupation": "salaried",
    "income_band": "8000-12000",
}


@pytest.mark.parametrize("page", NOT_PAGE_NUMBERS)
def test_a_page_number_that_is_not_plain_digits_shows_the_first_page_of_matches(client, page):
    LoanProductFactory()

    bare = client.get("/match/", {"page": page})
    asked = client.get("/match/", {**MATCH_ASK, "page": page}, HTTP_ACCEPT_LANGUAGE="en")

    assert bare.status_code == 200
    assert asked.status_code == 200
    assert asked.context["page_number"] == 1
    assert "1 eligible" in asked.content.decode()


@pytest.mark.parametrize("page", NOT_PAGE_NUMBERS)
def test_a_page_number_that_is_not_plain_digits_never_breaks_the_signed_in_match(
    borrower_client, full_profile, page
):
    response = borrower_client.get("/match/", {**MATCH_ASK, "page": page})

    assert response.status_code == 200
    assert response.context["page_number"] == 1


@pytest.mark.parametrize("page", NOT_PAGE_NUMBERS)
def test_a_page_number_that_is_not_plain_digits_never_breaks_the_catalogue(client, page):
    LoanProductFactory()

    assert client.get("/loans/", {"page": page}).status_code == 200
    assert client.get("/loans/", {"page": page}, HTTP_HX_REQUEST="true").status_code == 200


# --- Pages with personal data are never cached -----------------------------------------------


def _routes(patterns, prefix="", namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), namespaces, pattern


def personal_pages() -> list[tuple[str, list[str]]]:
    """Every URL pattern of the borrower's pages and of allauth's account and two-factor
    pages: (its name, the names of its arguments)."""
    found = []
    for route, namespaces, pattern in _routes(get_resolver().url_patterns):
        if "applications" in namespaces or route.startswith("accounts/"):
            name = ":".join([*namespaces, pattern.name])
            found.append((name, list(pattern.pattern.regex.groupindex)))
    return found


def assert_not_stored(response, url: str) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (url, response.get("Cache-Control"))
    assert "public" not in directives, url


@pytest.fixture
def applied(borrower, full_profile):
    product = LoanProductFactory(
        lender=LenderFactory(slug="harbour"), slug="salary", max_amount=Decimal("200000")
    )
    return submit(borrower, product)


def test_the_walk_covers_the_borrower_and_account_pages():
    names = {name for name, _args in personal_pages()}

    assert {"applications:profile", "applications:apply", "applications:detail"} <= names
    assert {"account_email", "account_change_password", "mfa_index", "account_login"} <= names


def test_every_page_with_personal_data_is_never_stored_by_a_cache(
    borrower_client, applied, full_profile
):
    samples = {
        "application_id": [applied.id],
        "step": ["identity", "work", "money"],
        "lender_slug": ["harbour"],
        "product_slug": ["salary"],
    }
    query = {"applications:apply": "?amount=20000&term=12&purpose=consumption"}
    urls = []
    for name, args in sorted(personal_pages(), key=lambda page: page[0] == "account_logout"):
        if "step" in args:
            urls += [reverse(name, kwargs={"step": step}) for step in samples["step"]]
        else:
            kwargs = {arg: samples.get(arg, ["1"])[0] for arg in args}
            urls.append(reverse(name, kwargs=kwargs) + query.get(name, ""))

    for url in urls:
        assert_not_stored(borrower_client.get(url), url)
    apply = reverse("applications:apply", args=["harbour", "salary"])
    for url, data in [
        (reverse("applications:profile_step", args=["work"]), {"city": "atlantis"}),
        (apply, {"amount": "20000", "term": "12", "purpose": "consumption"}),  # no consent
    ]:
        assert_not_stored(borrower_client.post(url, data), url)  # the form, pre-filled again
    withdraw = reverse("applications:withdraw", args=[applied.id])
    assert_not_stored(borrower_client.post(withdraw), withdraw)


@pytest.mark.django_db
def test_account_pages_are_never_stored_before_signing_in_either(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        url = reverse(name)
        assert_not_stored(client.get(url), url)
        assert_not_stored(client.post(url, {"email": "li@example.test"}), url)  # echoed back


def test_the_public_catalogue_stays_cacheable_signed_in_or_not(client, borrower, full_profile):
    product = LoanProductFactory(lender=LenderFactory(slug="harbour"), slug="salary")
    public = [
        "/",
        "/loans/",
        product.get_absolute_url(),
        f"{product.get_absolute_url()}schedule.json?amount=10000&term=12",
        "/robots.txt",
    ]

    for signed_in in (False, True):
        if signed_in:
            client.force_login(borrower)
        for url in public:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "no-store" not in response.get("Cache-Control", ""), url
            assert get_max_age(response) != 0, url


def test_the_borrowers_pages_never_decrypt_the_lenders_secrets(
    borrower_client, applied, settings, django_assert_max_num_queries
):
    """A lender secret no key decrypts (a rotation gone wrong) is the partner API's problem,
    not a 500 on the borrower's dashboard: borrower pages never load it, nor the snapshot."""
    old = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old]
    lender_services.rotate_webhook_secret(lender=applied.lender)  # under a key soon gone
    settings.FIELD_ENCRYPTION_KEYS = old

    with django_assert_max_num_queries(12):
        listing = borrower_client.get("/applications/")
    detail = borrower_client.get(applied.get_absolute_url())

    assert listing.status_code == 200
    assert detail.status_code == 200
