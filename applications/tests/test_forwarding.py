"""Forwarding to a real lender: the sandbox on a loopback port, the real service."""

import datetime
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone, translation

from applications import services
from applications.models import Application, ApplicationEvent, Delivery
from applications.states import InvalidTransition
from applications.tasks import notify_lender_inbox as notify_lender_inbox_task
from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders import signing
from lenders.tests.factories import LenderFactory, LoanProductFactory
from partners.sandbox import SandboxConfig, start_in_thread

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture
def sandbox_factory():
    servers = []

    def start(**faults):
        server = start_in_thread(SandboxConfig(secrets={}, **faults))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def lender_at(db):
    def make(server, slug="sandbox-bank"):
        lender = LenderFactory(slug=slug)
        lender.api_base_url = f"http://127.0.0.1:{server.server_port}/{slug}"
        lender.save()
        server.config.secrets[slug] = lender_services.rotate_webhook_secret(lender=lender)
        return lender

    return make


@pytest.fixture
def forbidding_lender(db):
    """A lender's server on loopback that answers every request 403, as a gateway might."""

    class Forbid(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.dumps({"error": "forbidden"}).encode()
            self.send_response(403)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forbid)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lender = LenderFactory(slug="forbidding")
    lender.api_base_url = f"http://127.0.0.1:{server.server_port}/forbidding"
    lender.save()
    lender_services.rotate_webhook_secret(lender=lender)
    yield lender
    server.shutdown()


def apply(borrower, lender) -> Application:
    return submit(borrower, LoanProductFactory(lender=lender, max_amount=Decimal("200000")))


def deliver_now(application: Application) -> Delivery:
    """Run the delivery as the worker would, as soon as it is due (no waiting)."""
    delivery = application.deliveries.get(kind=Delivery.Kind.FORWARD)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_an_application_reaches_the_lender_once_with_its_reference(
    borrower, full_profile, sandbox_factory, lender_at
):
    sandbox = sandbox_factory()
    application = apply(borrower, lender_at(sandbox))
    assert application.status == S.FORWARDING

    delivery = deliver_now(application)

    application.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
    assert application.status == S.FORWARDED
    assert application.lender_reference.startswith("SBX-")
    assert sandbox.state.stats() == {
        "posts": 1,
        "applications": 1,
        "duplicates": 0,
        "withdrawals": 0,
        "acceptances": 0,
        "bad_signatures": 0,
    }
    assert [e.to_status for e in application.events.all()] == [
        S.SUBMITTED,
        S.FORWARDING,
        S.FORWARDED,
    ]


def test_two_500s_then_success_is_one_application_and_three_logged_attempts(
    borrower, full_profile, sandbox_factory, lender_at
):
    sandbox = sandbox_factory(fail_first=2)
    application = apply(borrower, lender_at(sandbox))

    for _ in range(3):
        delivery = deliver_now(application)

    assert delivery.state == Delivery.State.DELIVERED
    assert [a.status_code for a in delivery.log.all()] == [500, 500, 201]
    assert sandbox.state.stats()["applications"] == 1


def test_a_retry_waits_with_backoff(borrower, full_profile, sandbox_factory, lender_at):
    sandbox = sandbox_factory(fail_first=1)
    application = apply(borrower, lender_at(sandbox))

    delivery = deliver_now(application)

    assert delivery.state == Delivery.State.PENDING
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.lease_expires_at is None
    services.deliver(delivery_id=delivery.pk)  # not due yet: nothing is sent
    assert sandbox.state.stats()["posts"] == 1


def test_a_lender_that_hangs_is_retried_then_reached_once(
    borrower, full_profile, sandbox_factory, lender_at, settings
):
    settings.LENDER_TIMEOUT_SECONDS = 0.3
    sandbox = sandbox_factory(hang_first=1, hang_seconds=1.0)
    application = apply(borrower, lender_at(sandbox))

    first = deliver_now(application)
    second = deliver_now(application)

    assert "timed out" in first.log.first().error
    assert second.state == Delivery.State.DELIVERED
    assert sandbox.state.stats()["applications"] == 1


def test_a_422_fails_at_once_with_the_lenders_reason(
    borrower, full_profile, sandbox_factory, lender_at, mailoutbox
):
    sandbox = sandbox_factory(reject_all=True)
    application = apply(borrower, lender_at(sandbox))

    delivery = deliver_now(application)

    application.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert application.status == S.DELIVERY_FAILED
    assert "missing employment certificate" in application.events.last().detail


def test_a_duplicate_task_message_never_sends_twice(
    borrower, full_profile, sandbox_factory, lender_at
):
    sandbox = sandbox_factory()
    application = apply(borrower, lender_at(sandbox))
    delivery = deliver_now(application)

    services.deliver(delivery_id=delivery.pk)
    services.deliver(delivery_id=delivery.pk)

    assert sandbox.state.stats()["posts"] == 1


def test_a_delivery_held_by_a_live_worker_is_not_taken(
    borrower, full_profile, sandbox_factory, lender_at
):
    sandbox = sandbox_factory()
    application = apply(borrower, lender_at(sandbox))
    delivery = application.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        lease_expires_at=timezone.now() + datetime.timedelta(seconds=30)
    )

    services.deliver(delivery_id=delivery.pk)

    assert sandbox.state.stats()["posts"] == 0


def test_a_refused_signature_is_retried_with_backoff_and_delivered_once_the_lender_agrees(
    borrower, full_profile, sandbox_factory, lender_at
):
    """A 401 may be a body cut short or a secret rotated a moment ago: not the end."""
    sandbox = sandbox_factory()
    lender = lender_at(sandbox)
    ours = sandbox.config.secrets[lender.slug]
    sandbox.config.secrets[lender.slug] = signing.new_secret()  # the lender has another one
    application = apply(borrower, lender)

    with translation.override("en"):
        refused = deliver_now(application)

    assert refused.state == Delivery.State.PENDING
    assert refused.next_attempt_at > timezone.now()
    assert refused.log.get().status_code == 401
    assert refused.log.get().error == refused.last_error
    assert refused.last_error.startswith("HTTP 401")
    assert refused.last_error.endswith(
        " — the lender refused our signature; retrying in case of a truncated body or a secret "
        "rotation (refusal 1 of 3)"
    )

    sandbox.config.secrets[lender.slug] = ours  # the lender's side caught up
    delivered = deliver_now(application)

    application.refresh_from_db()
    assert delivered.state == Delivery.State.DELIVERED
    assert application.status == S.FORWARDED
    assert [a.status_code for a in delivered.log.all()] == [401, 201]
    assert sandbox.state.stats()["applications"] == 1
    assert sandbox.state.stats()["bad_signatures"] == 1


def test_a_signature_refused_three_times_fails_the_delivery_and_says_why(
    borrower,
    full_profile,
    sandbox_factory,
    lender_at,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.ADMINS = [("Operations", "ops@loanmarket.example")]
    sandbox = sandbox_factory()
    lender = lender_at(sandbox)
    sandbox.config.secrets[lender.slug] = signing.new_secret()  # for good
    application = apply(borrower, lender)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        outcomes = [deliver_now(application).state for _ in range(3)]

    delivery = application.deliveries.get()
    application.refresh_from_db()
    assert outcomes == [Delivery.State.PENDING, Delivery.State.PENDING, Delivery.State.FAILED]
    assert [a.status_code for a in delivery.log.all()] == [401, 401, 401]
    reason = delivery.last_error
    assert reason.startswith("HTTP 401")
    assert reason.endswith(" — the lender refused our signature 3 times")
    assert delivery.log.last().error == reason
    assert application.status == S.DELIVERY_FAILED
    assert application.events.last().detail == reason
    (mail,) = mailoutbox
    assert mail.to == ["ops@loanmarket.example"]
    assert reason in mail.body
    assert sandbox.state.stats()["bad_signatures"] == 3


def test_a_403_is_retried_like_a_401_before_the_delivery_fails(
    borrower, full_profile, forbidding_lender
):
    application = apply(borrower, forbidding_lender)

    with translation.override("en"):
        first = deliver_now(application)
        deliver_now(application)
        last = deliver_now(application)

    assert first.state == Delivery.State.PENDING
    assert "retrying in case of a truncated body or a secret rotation" in first.log.first().error
    assert last.state == Delivery.State.FAILED
    assert last.last_error == "HTTP 403: forbidden — the lender refused our signature 3 times"


def test_a_staff_re_send_gives_a_refused_signature_its_tries_again(
    borrower, full_profile, forbidding_lender
):
    application = apply(borrower, forbidding_lender)
    for _ in range(3):
        deliver_now(application)

    services.resend(application=application)
    delivery = deliver_now(application)

    assert delivery.state == Delivery.State.PENDING
    assert delivery.log.count() == 4


def test_a_lender_without_a_signing_secret_fails_at_once_and_staff_are_told(
    borrower,
    full_profile,
    sandbox_factory,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,
):
    """Nothing unsigned is sent; the application does not wait in ``forwarding``."""
    settings.ADMINS = [("Operations", "ops@loanmarket.example")]
    sandbox = sandbox_factory()
    lender = LenderFactory(slug="no-secret")  # created in admin: no secret issued yet
    lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/no-secret"
    lender.save()
    sandbox.config.secrets["no-secret"] = signing.new_secret()
    application = apply(borrower, lender)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_now(application)

    application.refresh_from_db()
    reason = "The lender has no signing secret: nothing can be sent until one is issued."
    assert delivery.state == Delivery.State.FAILED
    assert delivery.last_error == reason
    assert delivery.log.get().error == reason
    assert delivery.log.get().status_code is None
    assert application.status == S.DELIVERY_FAILED
    assert application.events.last().detail == reason
    (mail,) = mailoutbox
    assert mail.to == ["ops@loanmarket.example"]
    assert reason in mail.body
    assert sandbox.state.stats()["posts"] == 0
    assert sandbox.state.stats()["bad_signatures"] == 0


def test_once_a_secret_is_issued_staff_re_send_and_it_is_delivered(
    borrower, full_profile, sandbox_factory
):
    sandbox = sandbox_factory()
    lender = LenderFactory(slug="no-secret")
    lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/no-secret"
    lender.save()
    application = apply(borrower, lender)
    deliver_now(application)

    sandbox.config.secrets["no-secret"] = lender_services.rotate_webhook_secret(lender=lender)
    services.resend(application=application)
    delivery = deliver_now(application)

    application.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
    assert application.status == S.FORWARDED
    assert sandbox.state.stats()["applications"] == 1


def test_submitting_twice_creates_one_application(borrower, full_profile):
    lender = LenderFactory()
    product = LoanProductFactory(lender=lender)
    shown = services.disclose(
        profile=full_profile, product=product, amount=Decimal("20000"), term_months=12
    )
    ask = {
        "borrower": borrower,
        "product": product,
        "amount": Decimal("20000"),
        "term_months": 12,
        "purpose": "consumption",
        "consent": shown.signed(),
        "ip_address": None,
    }

    first = services.submit_application(**ask)
    second = services.submit_application(**ask)

    assert first.pk == second.pk
    assert Application.objects.count() == 1


def test_a_lender_without_an_api_gets_it_in_the_portal_inbox(borrower, full_profile):
    application = apply(borrower, LenderFactory())

    assert application.status == S.FORWARDED
    assert application.in_portal_inbox
    assert not application.deliveries.exists()


def test_consent_records_the_lender_fields_time_and_ip(borrower, full_profile):
    application = apply(borrower, LenderFactory(name="Consent Bank"))

    consent = application.consent
    assert consent.lender_name == "Consent Bank"
    assert consent.fields == services.fields_to_share(full_profile)
    assert consent.ip_address == "127.0.0.1"
    assert consent.text_version


def test_the_shared_snapshot_is_encrypted_and_holds_only_consented_fields(borrower, full_profile):
    from django.db import connection

    application = apply(borrower, LenderFactory())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shared_data FROM applications_application WHERE id = %s", [application.pk]
        )
        (raw,) = cursor.fetchone()
    assert "13912345678" not in raw
    assert '"mobile": "13912345678"' in application.shared_data
    assert "channel" not in application.shared_data


def test_withdrawal_after_forwarding_is_sent_as_a_signed_notice(
    borrower, full_profile, sandbox_factory, lender_at, django_capture_on_commit_callbacks
):
    sandbox = sandbox_factory()
    application = apply(borrower, lender_at(sandbox))
    deliver_now(application)

    services.withdraw_application(borrower=borrower, application=application)
    notice = application.deliveries.get(kind=Delivery.Kind.WITHDRAWAL)
    services.deliver(delivery_id=notice.pk)

    notice.refresh_from_db()
    assert notice.state == Delivery.State.DELIVERED
    assert sandbox.state.stats()["withdrawals"] == 1


def test_withdrawing_before_sending_cancels_the_delivery(
    borrower, full_profile, sandbox_factory, lender_at
):
    sandbox = sandbox_factory()
    application = apply(borrower, lender_at(sandbox))

    services.withdraw_application(borrower=borrower, application=application)

    assert application.deliveries.get().state == Delivery.State.FAILED
    assert sandbox.state.stats()["posts"] == 0


def test_an_illegal_transition_raises_and_writes_nothing(borrower, full_profile):
    application = apply(borrower, LenderFactory())  # forwarded to the inbox

    with pytest.raises(InvalidTransition):
        services.transition(
            application=application, to=S.DISBURSED, actor=ApplicationEvent.Actor.LENDER
        )

    application.refresh_from_db()
    assert application.status == S.FORWARDED
    assert not application.events.filter(to_status=S.DISBURSED).exists()


def test_an_ineligible_borrower_cannot_apply(borrower, full_profile):
    from lenders.models import EligibilityRules

    product = LoanProductFactory()
    with_rules = EligibilityRules(product=product, cities=["lhasa"])
    lender_services.save_rules(rules=with_rules)
    lender_services.invalidate_catalogue()

    with pytest.raises(services.applying.NotEligible):
        submit(borrower, product)


def test_staff_re_send_a_failed_application_with_the_same_key(
    borrower, full_profile, sandbox_factory, lender_at
):
    sandbox = sandbox_factory(reject_all=True)
    application = apply(borrower, lender_at(sandbox))
    deliver_now(application)
    sandbox.config.reject_all = False
    sandbox.state.answers.clear()  # the lender fixed its side

    services.resend(application=application)
    delivery = deliver_now(application)

    application.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
    assert application.status == S.FORWARDED
    assert [e.actor for e in application.events.filter(to_status=S.FORWARDING)] == [
        ApplicationEvent.Actor.PLATFORM,
        ApplicationEvent.Actor.STAFF,
    ]


def test_a_lender_without_an_api_is_emailed_without_personal_data(
    borrower, full_profile, mailoutbox, django_capture_on_commit_callbacks
):
    lender = LenderFactory(contact_email="applications@inbox-bank.example")
    with (
        mock.patch.object(notify_lender_inbox_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        application = apply(borrower, lender)
    delay.assert_called_once_with(str(application.pk))  # the notice is queued after commit
    services.notify_lender_inbox(application_id=str(application.pk))  # what the task runs

    (message,) = mailoutbox
    assert message.to == ["applications@inbox-bank.example"]
    assert str(application.pk) in message.body
    assert "13912345678" not in message.body
    assert "李娜" not in message.body


def test_an_address_saved_before_the_https_rule_is_never_sent_to_in_production(
    borrower, full_profile, sandbox_factory, settings, django_capture_on_commit_callbacks
):
    """Plain HTTP to a loopback address was allowed when it was saved; once the setting is off
    (production), the personal data stays here and staff are told why."""
    sandbox = sandbox_factory()
    lender = LenderFactory(slug="plain-http")
    lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/plain-http"
    lender.save()
    sandbox.config.secrets["plain-http"] = lender_services.rotate_webhook_secret(lender=lender)
    application = apply(borrower, lender)
    settings.ALLOW_HTTP_LENDER_URLS = False

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_now(application)

    application.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert "not https://" in delivery.last_error
    assert application.status == S.DELIVERY_FAILED
    assert sandbox.state.stats()["posts"] == 0


def test_a_secret_under_a_removed_key_fails_the_delivery_once_and_staff_are_told(
    borrower,
    full_profile,
    sandbox_factory,
    lender_at,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """A key removed before rotation finished: the worker once raised on every lease
    expiry, logging nothing and telling no one. Now it is one attempt, one failure, one mail;
    once the key is back, staff re-send."""
    settings.ADMINS = [("Operations", "ops@loanmarket.example")]
    sandbox = sandbox_factory()
    application = apply(borrower, lender_at(sandbox, "harbour"))
    old_keys = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_now(application)

    assert delivery.state == Delivery.State.FAILED
    assert "cannot be decrypted" in delivery.last_error
    assert delivery.log.count() == 1
    assert Application.objects.only("status").get(pk=application.pk).status == S.DELIVERY_FAILED
    (mail,) = mailoutbox
    assert "cannot be decrypted" in mail.body
    assert sandbox.state.stats()["posts"] == 0

    settings.FIELD_ENCRYPTION_KEYS = old_keys
    services.resend(application=Application.objects.get(pk=application.pk))
    assert deliver_now(application).state == Delivery.State.DELIVERED
