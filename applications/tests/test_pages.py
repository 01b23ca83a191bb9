"""What every borrower page shares: the layout's messages."""

import pytest

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
