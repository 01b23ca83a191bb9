"""Every answer of the partner API is JSON ``{"code", "error"}``, whatever went wrong: a
wrong method, a body too large, a path it does not have, a value it cannot decrypt."""

import json
import uuid

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.utils import timezone

from applications.models import Application
from lenders import signing
from lenders.models import Lender
from partners.auth import MAX_BODY_BYTES

pytestmark = pytest.mark.django_db

S = Application.Status
NOBODYS = uuid.UUID("00000000-0000-4000-8000-000000000000")  # fixed: xdist collects it twice


def signed_post(client, lender, path, raw):
    headers = signing.signed_headers(
        secret=lender.secret, message_id="evt-1", body=raw, at=timezone.now()
    )
    return client.post(
        path, raw, content_type="application/json", headers={**headers, "X-Lender": lender.slug}
    )


def events_path(application):
    return f"/api/partner/v1/applications/{application.id}/events"


def in_review(application):
    return json.dumps(
        {
            "application_id": str(application.id),
            "status": "in_review",
            "occurred_at": timezone.now().isoformat(),
        }
    )


def assert_our_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"code", "error"}
    assert response.json()["code"] == code
    assert response.json()["error"]


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head", "options"])
def test_another_method_is_a_json_405_naming_post(client, application, method):
    response = getattr(client, method)(events_path(application))

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    if method != "head":  # a HEAD answer has no body
        assert_our_shape(response, 405, "method_not_allowed")


@pytest.mark.parametrize("path", ["/api/partner/v1/openapi.json", "/api/partner/v1/docs"])
def test_the_document_is_only_read_and_another_method_is_a_json_405(client, path):
    response = client.post(path)

    assert_our_shape(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET, HEAD"


def test_the_documents_page_still_renders(client):
    response = client.get("/api/partner/v1/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "size",
    [MAX_BODY_BYTES + 1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1],
    ids=["over-ours", "over-djangos"],
)
def test_a_body_over_the_limit_is_a_json_413_and_changes_nothing(client, lender, application, size):
    body = json.loads(in_review(application))
    body["reason"] = "x" * size
    raw = json.dumps(body)

    response = signed_post(client, lender, events_path(application), raw)

    application.refresh_from_db()
    assert_our_shape(response, 413, "too_large")
    assert application.status == S.FORWARDED


@pytest.mark.parametrize(
    "path",
    [
        "/api/partner/v1/",
        "/api/partner/v1/nothing-here",
        "/api/partner/v1/applications",
        f"/api/partner/v1/applications/{NOBODYS}",
        f"/api/partner/v1/applications/{NOBODYS}/events/more",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_path_the_api_does_not_have_is_a_json_404(client, path, method):
    response = getattr(client, method)(path)

    assert_our_shape(response, 404, "not_found")


def test_a_signing_secret_under_a_removed_key_is_a_json_503_not_a_500(
    client, lender, application, settings
):
    """The old key was dropped from FIELD_ENCRYPTION_KEYS before the secret was re-encrypted."""
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    response = signed_post(client, lender, events_path(application), in_review(application))

    assert_our_shape(response, 503, "secret_unavailable")
    assert Application.objects.filter(pk=application.pk, status=S.FORWARDED).exists()


def test_an_application_under_a_removed_key_is_a_json_503_not_a_500(
    client, lender, application, settings
):
    """The secret was re-encrypted under the new key, the application's shared data not."""
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    Lender.objects.filter(pk=lender.pk).update(
        webhook_secret=lender.secret, previous_webhook_secret=""
    )

    response = signed_post(client, lender, events_path(application), in_review(application))

    assert_our_shape(response, 503, "data_unavailable")
    assert Application.objects.filter(pk=application.pk, status=S.FORWARDED).exists()


def test_the_statuses_a_lender_may_report_are_the_state_machines_own():
    """The API derives its accepted statuses from applications/states.py, not a copy."""
    from applications import states
    from partners.api.events import EventIn

    accepted = EventIn.model_json_schema()["properties"]["status"]["enum"]

    assert accepted == [str(status) for status in states.LENDER_SETTABLE]
