"""Flash messages last one page: shown on it, or dropped with it."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_message_not_shown_on_a_cached_page_does_not_reappear_on_the_next_one(
    borrower_client,
):
    # allauth says "You have signed out." and sends the visitor to the home page.
    borrower_client.post("/accounts/logout/", HTTP_ACCEPT_LANGUAGE="en")
    borrower_client.get("/")  # the cached home page shows no one's messages

    later = borrower_client.get("/match/", HTTP_ACCEPT_LANGUAGE="en")

    assert "You have signed out." not in later.content.decode()


def test_a_message_is_still_shown_on_the_page_a_redirect_leads_to(borrower_client):
    response = borrower_client.post("/accounts/logout/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302

    page = borrower_client.get("/match/", HTTP_ACCEPT_LANGUAGE="en")

    assert "You have signed out." in page.content.decode()
