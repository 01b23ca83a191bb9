"""What every borrower page shares: the layout's messages."""

import pytest

from lenders.tests.factories import LoanProductFactory

pytestmark = pytest.mark.django_db


def test_messages_wait_past_a_cached_page_and_the_layout_shows_them_on_the_next(
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
    assert '<li class="message success">Saved.</li>' in match


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
