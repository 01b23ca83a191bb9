"""The partner API's callbacks: signed, deduplicated, checked against the state machine."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services
from applications.models import Application
from lenders import services as lender_services
from lenders import signing
from lenders.tests.factories import LenderFactory

pytestmark = pytest.mark.django_db

S = Application.Status


def post_event(client, lender, application_id, body, *, secret=None, message_id="evt-1", at=None):
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = signing.signed_headers(
        secret=secret or lender.secret,
        message_id=message_id,
        body=raw,
        at=at or timezone.now(),
    )
    return client.post(
        f"/api/partner/v1/applications/{application_id}/events",
        raw,
        content_type="application/json",
        headers={**headers, "X-Lender": lender.slug},
    )


def event(status="in_review", **extra):
    return {"status": status, "occurred_at": timezone.now().isoformat(), **extra}


def test_a_signed_event_moves_the_application_and_joins_the_timeline(client, lender, application):
    response = post_event(client, lender, application.id, event("in_review"))

    application.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == {"application_id": str(application.id), "status": "in_review"}
    assert application.status == S.IN_REVIEW
    assert application.events.last().actor == "lender"


def test_an_approval_records_the_offer_and_emails_the_borrower(
    client, lender, application, django_capture_on_commit_callbacks, mailoutbox, borrower
):
    post_event(client, lender, application.id, event("in_review"), message_id="a")
    with django_capture_on_commit_callbacks() as callbacks:
        post_event(
            client,
            lender,
            application.id,
            event("approved", approved_amount="18000.00", apr="9.50", term_months=12),
            message_id="b",
        )
    services.notify_decision(application_id=application.pk)  # what the queued task runs

    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.decision_amount == Decimal("18000.00")
    assert len(callbacks) == 1
    assert mailoutbox[-1].to == [borrower.email]
    assert "¥18,000.00" in mailoutbox[-1].body
    assert "13912345678" not in mailoutbox[-1].body


def test_a_bad_signature_is_401_and_changes_nothing(client, lender, application):
    response = post_event(client, lender, application.id, event(), secret=signing.new_secret())

    application.refresh_from_db()
    assert response.status_code == 401
    assert application.status == S.FORWARDED


def test_an_old_timestamp_is_401(client, lender, application):
    response = post_event(
        client,
        lender,
        application.id,
        event(),
        at=timezone.now() - datetime.timedelta(seconds=301),
    )

    assert response.status_code == 401


def test_a_replayed_webhook_id_is_answered_the_same_and_changes_nothing(
    client, lender, application
):
    first = post_event(client, lender, application.id, event("in_review"))
    application.events.all().count()
    again = post_event(client, lender, application.id, event("approved", approved_amount="1"))

    application.refresh_from_db()
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert application.status == S.IN_REVIEW


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (event("lent_already"), 422, "invalid"),
        (event("approved", approved_amount="-5"), 422, "invalid"),
        ({"status": "in_review"}, 422, "invalid"),  # no occurred_at
        ("{not json", 400, "not_json"),
        (event("approved"), 422, "invalid"),  # an approval must say what was approved
        (event(reason="stop\u0000here"), 422, "invalid"),  # PostgreSQL text cannot hold NUL
        ({"status": "in_review", "occurred_at": "2026-11-28T10:00:00"}, 422, "invalid"),  # naive
        # An offset PostgreSQL cannot store (found by test_api_schema), and long before the
        # application was submitted.
        ({"status": "in_review", "occurred_at": "1153-01-16T20:43:04-16:54"}, 422, "invalid"),
        (event(occurred_at="2099-01-01T00:00:00+00:00"), 422, "invalid"),  # in the future
    ],
)
def test_bad_bodies_are_a_clear_4xx(client, lender, application, body, status, code):
    response = post_event(client, lender, application.id, body)

    application.refresh_from_db()
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["error"]
    assert application.status == S.FORWARDED


def test_an_event_at_another_offset_is_kept_as_the_same_instant(client, lender, application):
    at = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=8)))

    response = post_event(client, lender, application.id, event(occurred_at=at.isoformat()))

    assert response.status_code == 200
    assert application.events.get(to_status=S.IN_REVIEW).occurred_at == at


@pytest.mark.parametrize(
    "signature",
    ["garbage", "v1,not-base64!", "v1,c2ln v2", ""],
    ids=["bare", "b64", "pair", "empty"],
)
def test_a_malformed_signature_header_is_401_not_a_crash(client, lender, application, signature):
    raw = json.dumps(event())
    headers = signing.signed_headers(
        secret=lender.secret, message_id="evt-x", body=raw, at=timezone.now()
    )

    response = client.post(
        f"/api/partner/v1/applications/{application.id}/events",
        raw,
        content_type="application/json",
        headers={**headers, "webhook-signature": signature, "X-Lender": lender.slug},
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_body_that_is_not_utf8_is_401_as_it_cannot_be_verified(client, lender, application):
    raw = b'{"status": "in_review", "reason": "\xff"}'
    headers = signing.signed_headers(
        secret=lender.secret, message_id="evt-x", body=raw.decode("latin-1"), at=timezone.now()
    )

    response = client.post(
        f"/api/partner/v1/applications/{application.id}/events",
        raw,
        content_type="application/json",
        headers={**headers, "X-Lender": lender.slug},
    )

    assert response.status_code == 401


def test_a_path_that_is_not_a_uuid_is_422_in_the_apis_own_shape(client, lender):
    response = client.post(
        "/api/partner/v1/applications/not-a-uuid/events", "{}", content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["error"].startswith("path.application_id")


def test_a_transition_the_state_machine_forbids_is_409(client, lender, application):
    response = post_event(client, lender, application.id, event("disbursed"))

    application.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert application.status == S.FORWARDED


def test_another_lenders_application_is_404(client, application):
    other = LenderFactory(slug="other")
    other.secret = lender_services.rotate_webhook_secret(lender=other)

    response = post_event(client, other, application.id, event())

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == S.FORWARDED


def test_during_a_rotation_both_secrets_verify_for_a_day(client, lender, application):
    old = lender.secret
    lender_services.rotate_webhook_secret(lender=lender)

    response = post_event(client, lender, application.id, event(), secret=old)

    assert response.status_code == 200


def test_the_openapi_document_renders(client):
    response = client.get("/api/partner/v1/openapi.json")

    paths = response.json()["paths"]
    assert response.status_code == 200
    assert "/api/partner/v1/applications/{application_id}/events" in paths


def test_another_method_is_405_naming_post(client, application):
    response = client.get(f"/api/partner/v1/applications/{application.id}/events")

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
