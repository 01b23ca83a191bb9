"""The partner API's callbacks: signed, bound to their application, deduplicated, checked
against the state machine."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services
from applications.models import Application
from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders import signing
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.models import InboundMessage

pytestmark = pytest.mark.django_db

S = Application.Status


def post_event(client, lender, application_id, body, *, secret=None, message_id="evt-1", at=None):
    """``body`` signed by the lender and sent to the path of ``application_id``."""
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


def change(status="in_review", **extra):
    """What an event says, before it names its application."""
    return {"status": status, "occurred_at": timezone.now().isoformat(), **extra}


def event(application, status="in_review", **extra):
    """An event about ``application``, which its signed body names."""
    return {"application_id": str(application.id), **change(status, **extra)}


@pytest.fixture
def second_application(borrower, lender, application, django_capture_on_commit_callbacks):
    """Another application to the same lender, for another of its products."""
    with django_capture_on_commit_callbacks(execute=True):  # the catalogue learns of it
        product = LoanProductFactory(lender=lender)
    return submit(borrower, product)


def test_a_signed_event_moves_the_application_and_joins_the_timeline(client, lender, application):
    response = post_event(client, lender, application.id, event(application, "in_review"))

    application.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == {"application_id": str(application.id), "status": "in_review"}
    assert application.status == S.IN_REVIEW
    assert application.events.last().actor == "lender"


def test_an_approval_records_the_offer_and_emails_the_borrower(
    client, lender, application, django_capture_on_commit_callbacks, mailoutbox, borrower
):
    post_event(client, lender, application.id, event(application, "in_review"), message_id="a")
    with django_capture_on_commit_callbacks() as callbacks:
        post_event(
            client,
            lender,
            application.id,
            event(
                application,
                "approved",
                approved_amount="18000.00",
                apr=str(application.apr),
                term_months=12,
            ),
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
    response = post_event(
        client, lender, application.id, event(application), secret=signing.new_secret()
    )

    application.refresh_from_db()
    assert response.status_code == 401
    assert application.status == S.FORWARDED


def test_an_old_timestamp_is_401(client, lender, application):
    response = post_event(
        client,
        lender,
        application.id,
        event(application),
        at=timezone.now() - datetime.timedelta(seconds=301),
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (change("lent_already"), 422, "invalid"),
        (change("approved", approved_amount="-5"), 422, "invalid"),
        ({"status": "in_review"}, 422, "invalid"),  # no occurred_at
        ("{not json", 400, "not_json"),
        (change("approved"), 422, "invalid"),  # an approval must say what was approved
        (change(reason="stop\u0000here"), 422, "invalid"),  # PostgreSQL text cannot hold NUL
        ({"status": "in_review", "occurred_at": "2026-11-28T10:00:00"}, 422, "invalid"),  # naive
        # An offset PostgreSQL cannot store (found by test_api_schema), and long before the
        # application was submitted.
        ({"status": "in_review", "occurred_at": "1153-01-16T20:43:04-16:54"}, 422, "invalid"),
        (change(occurred_at="2099-01-01T00:00:00+00:00"), 422, "invalid"),  # in the future
        # Before year 1 once in UTC (found by test_api_schema).
        ({"status": "in_review", "occurred_at": "0001-01-01T00:00:00+03:04"}, 422, "invalid"),
    ],
)
def test_bad_bodies_are_a_clear_4xx(client, lender, application, body, status, code):
    if isinstance(body, dict):
        body = {"application_id": str(application.id), **body}

    response = post_event(client, lender, application.id, body)

    application.refresh_from_db()
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["error"]
    assert application.status == S.FORWARDED


def test_an_event_at_another_offset_is_kept_as_the_same_instant(client, lender, application):
    at = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=8)))

    response = post_event(
        client, lender, application.id, event(application, occurred_at=at.isoformat())
    )

    assert response.status_code == 200
    assert application.events.get(to_status=S.IN_REVIEW).occurred_at == at


@pytest.mark.parametrize(
    "signature",
    ["garbage", "v1,not-base64!", "v1,c2ln v2", ""],
    ids=["bare", "b64", "pair", "empty"],
)
def test_a_malformed_signature_header_is_401_not_a_crash(client, lender, application, signature):
    raw = json.dumps(event(application))
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
    response = post_event(client, lender, "not-a-uuid", change())

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["error"].startswith("path.application_id")


def test_an_unsigned_call_is_401_before_its_path_is_even_read(client):
    response = client.post(
        "/api/partner/v1/applications/not-a-uuid/events", "{}", content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_transition_the_state_machine_forbids_is_409(client, lender, application):
    response = post_event(client, lender, application.id, event(application, "disbursed"))

    application.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert application.status == S.FORWARDED


def test_another_lenders_application_is_404(client, application):
    other = LenderFactory(slug="other")
    other.secret = lender_services.rotate_webhook_secret(lender=other)

    response = post_event(client, other, application.id, event(application))

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == S.FORWARDED


def test_during_a_rotation_both_secrets_verify_for_a_day(client, lender, application):
    old = lender.secret
    lender_services.rotate_webhook_secret(lender=lender)

    response = post_event(client, lender, application.id, event(application), secret=old)

    assert response.status_code == 200


def test_the_openapi_document_renders(client):
    response = client.get("/api/partner/v1/openapi.json")

    paths = response.json()["paths"]
    assert response.status_code == 200
    assert "/api/partner/v1/applications/{application_id}/events" in paths


def test_the_openapi_document_states_the_callback_contract(client):
    document = client.get("/api/partner/v1/openapi.json").json()

    post = document["paths"]["/api/partner/v1/applications/{application_id}/events"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert "application_id" in body["required"]
    assert "the same as in the path" in body["properties"]["application_id"]["description"]
    assert {"400", "401", "404", "405", "409", "413", "422", "503"} <= set(post["responses"])
    assert "message_id_reused" in post["responses"]["409"]["description"]
    assert "Allow" in post["responses"]["405"]["headers"]
    assert post["security"] == [{"SignedLender": []}]
    assert document["components"]["securitySchemes"]["SignedLender"]["name"] == "X-Lender"


# A callback's signature says which application it is for (issue 9, hole 8).


def test_a_decline_signed_for_one_application_is_refused_on_anothers_path(
    client, lender, application, second_application
):
    declined_a = event(application, "declined", reason="Income could not be verified.")

    response = post_event(client, lender, second_application.id, declined_a, message_id="evt-a")

    second_application.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["code"] == "application_mismatch"
    assert second_application.status == S.FORWARDED
    assert not second_application.events.filter(to_status=S.DECLINED).exists()


def test_the_genuine_message_still_counts_after_its_replay_was_refused_elsewhere(
    client, lender, application, second_application
):
    declined_a = event(application, "declined")
    post_event(client, lender, second_application.id, declined_a, message_id="evt-a")

    response = post_event(client, lender, application.id, declined_a, message_id="evt-a")

    application.refresh_from_db()
    assert response.status_code == 200
    assert application.status == S.DECLINED


def test_a_body_that_names_no_application_is_422(client, lender, application):
    response = post_event(client, lender, application.id, change())

    application.refresh_from_db()
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "error": response.json()["error"],
    }
    assert response.json()["error"].startswith("application_id")
    assert application.status == S.FORWARDED


def test_a_captured_id_sent_first_to_a_random_path_does_not_spoil_the_genuine_message(
    client, lender, application
):
    genuine = event(application, "in_review")
    captured = post_event(client, lender, uuid.uuid4(), genuine, message_id="evt-1")

    response = post_event(client, lender, application.id, genuine, message_id="evt-1")

    application.refresh_from_db()
    assert captured.status_code == 404
    assert response.status_code == 200
    assert application.status == S.IN_REVIEW


def test_a_refusal_that_changed_nothing_is_not_remembered(client, lender, application):
    post_event(client, lender, uuid.uuid4(), event(application), message_id="evt-1")
    post_event(client, lender, application.id, "{not json", message_id="evt-2")
    post_event(client, lender, application.id, event(application, "lent"), message_id="evt-3")

    assert not InboundMessage.objects.exists()


def test_the_same_id_with_the_same_body_is_answered_as_the_first_time(client, lender, application):
    body = event(application, "in_review")
    first = post_event(client, lender, application.id, body)

    again = post_event(client, lender, application.id, body)

    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert application.events.filter(to_status=S.IN_REVIEW).count() == 1


def test_a_409_from_the_state_machine_is_remembered_too(client, lender, application):
    too_soon = event(application, "disbursed")
    first = post_event(client, lender, application.id, too_soon, message_id="evt-1")
    Application.objects.filter(pk=application.pk).update(status=S.APPROVED)

    again = post_event(client, lender, application.id, too_soon, message_id="evt-1")

    application.refresh_from_db()
    assert again.status_code == first.status_code == 409
    assert again.json() == first.json()
    assert application.status == S.APPROVED


def test_the_same_id_with_another_body_is_409_and_changes_nothing(client, lender, application):
    post_event(client, lender, application.id, event(application, "in_review"))

    response = post_event(client, lender, application.id, event(application, "declined"))

    application.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "message_id_reused"
    assert application.status == S.IN_REVIEW


def test_the_same_id_on_another_path_is_409_and_changes_nothing(
    client, lender, application, second_application
):
    body = event(application, "in_review")
    post_event(client, lender, application.id, body)

    response = post_event(client, lender, second_application.id, body)

    second_application.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "message_id_reused"
    assert second_application.status == S.FORWARDED


def test_the_same_id_from_another_lender_is_another_message(client, lender, application):
    other = LenderFactory(slug="other")
    other.secret = lender_services.rotate_webhook_secret(lender=other)
    post_event(client, other, application.id, event(application), message_id="evt-1")

    response = post_event(client, lender, application.id, event(application), message_id="evt-1")

    assert response.status_code == 200


def test_a_callback_that_overtakes_our_receipt_is_taken_not_refused(
    client, lender, borrower, full_profile
):
    """A lender may call back before our worker has committed its answer (the application is
    still ``forwarding``). That was a 409, remembered for the message id, so the lender's
    retry got the same 409 for ever; now the receipt is recorded first."""
    lender.api_base_url = "https://lender.example/api"
    lender_services.save_lender(lender=lender)
    application = submit(borrower, LoanProductFactory(lender=lender))
    assert application.status == S.FORWARDING

    response = post_event(client, lender, application.id, event(application, "in_review"))

    application.refresh_from_db()
    assert response.status_code == 200
    assert application.status == S.IN_REVIEW
    assert [e.to_status for e in application.events.all()][-2:] == [S.FORWARDED, S.IN_REVIEW]
