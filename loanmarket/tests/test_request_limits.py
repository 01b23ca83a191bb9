"""A request over Django's field or size limits is a plain 400 on every setting, early."""

from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.django_db

FLOOD = {f"f{n}": str(n) for n in range(1001)}  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000


@pytest.fixture(params=[True, False], ids=["debug-on", "debug-off"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def assert_plain_400(response) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/loans/", "/match/", "/accounts/login/", "/nowhere/"])
def test_a_query_string_with_too_many_fields_is_a_plain_400(client, debug, path):
    response = client.get(path, FLOOD, HTTP_ACCEPT_LANGUAGE="en")

    assert_plain_400(response)
    assert response.content.decode() == "This request has more fields than the site accepts."


def test_a_query_string_flood_does_not_reach_the_channel_middleware(client, debug):
    client.get("/loans/", {**FLOOD, "utm_source": "flood"})

    assert "acquisition_channel" not in client.session


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_form_with_too_many_fields_is_a_plain_400(client, debug, encoding, borrower):
    if encoding == "urlencoded":
        response = client.post(
            "/accounts/login/",
            urlencode(FLOOD),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post("/accounts/login/", FLOOD)

    assert_plain_400(response)


def test_a_form_body_over_the_size_limit_is_a_plain_400(client, debug, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post(
        "/accounts/login/",
        urlencode({"login": "x" * 2000, "password": "y"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert_plain_400(response)
    assert "larger than the site accepts" in response.content.decode()


def test_under_the_api_the_400_is_json_with_a_code(client, debug):
    response = client.get("/api/partner/v1/openapi.json", FLOOD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "code": "too_many_fields",
        "error": "This request has more fields than the site accepts.",
    }


def test_the_partner_api_reads_its_own_body(client, debug):
    """Views exempt from CSRF get their body unparsed: the API checks its signature first."""
    response = client.post(
        "/api/partner/v1/applications/00000000-0000-0000-0000-000000000000/events",
        urlencode(FLOOD),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("length", ["1x", "abc", "1.5", "-1", "١٢"])
@pytest.mark.parametrize("path", ["/accounts/login/", "/loans/", "/api/partner/v1/nowhere"])
def test_a_content_length_that_is_not_a_number_is_a_400_not_a_500(client, debug, length, path):
    """Django reads the body with int(CONTENT_LENGTH): the ValueError was a 500 (and, with
    DEBUG on, seconds of tracebacks while the debug page read the body again)."""
    response = client.post(
        path, "login=a", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=length
    )

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "bad_content_length"
    else:
        assert_plain_400(response)
