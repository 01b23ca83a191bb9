"""The partner API's callbacks: signed, deduplicated, checked against the state machine."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.tests.fixtures import submit
from lenders import services as lender_services
from lenders import signing
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture
def lender():
    lender = LenderFactory(slug="harbour")
    lender.secret = lender_services.rotate_webhook_secret(lender=lender)
    return lender


@pytest.fixture
def application(borrower, full_profile, lender):
    """Forwarded (this lender takes applications in the portal inbox)."""
    return submit(borrower, LoanProductFactory(lender=lender))


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
    ],
)
def test_bad_bodies_are_a_clear_4xx(client, lender, application, body, status, code):
    response = post_event(client, lender, application.id, body)

    application.refresh_from_db()
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["error"]
    assert application.status == S.FORWARDED


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
