"""Key rotation over every encrypted value the site keeps, then the old keys removed."""

import base64
import json
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, hotp_value
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from applications import services
from applications.exceptions import NationalIdTaken
from applications.models import Application, BorrowerProfile, Delivery
from devtools.testing.fixtures import VALID_ID, submit
from lenders import services as lender_services
from lenders import signing
from lenders.models import Lender
from lenders.tests.factories import LenderFactory, LoanProductFactory
from loanmarket import rotation
from partners.sandbox import SandboxConfig, start_in_thread

pytestmark = pytest.mark.django_db

NEW_KEY = Fernet.generate_key().decode()
NEW_INDEX_KEY = "v2:" + base64.urlsafe_b64encode(b"a-new-blind-index-key-32-bytes!!").decode()
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
EVERY_VALUE = {
    "applications.BorrowerProfile.full_name": 1,
    "applications.BorrowerProfile.mobile": 1,
    "applications.BorrowerProfile.national_id": 1,
    "applications.BorrowerProfile.employer": 1,
    "applications.BorrowerProfile.national_id_index": 1,
    "applications.Application.shared_data": 1,
    "lenders.Lender.webhook_secret": 1,
    "lenders.Lender.previous_webhook_secret": 1,
    "mfa.Authenticator.data.secret": 1,
    "mfa.Authenticator.data.seed": 1,
}


@pytest.fixture
def sandbox():
    server = start_in_thread(SandboxConfig(secrets={}))
    yield server
    server.shutdown()


@pytest.fixture
def under_the_old_key(borrower, full_profile, sandbox):
    """One row of every encrypted value, all written under the (old) test key alone: a
    profile with its blind index, a lender with a current and a previous secret, an
    application to it waiting to be sent, and a borrower's TOTP and recovery codes."""
    lender = LenderFactory(slug="rotating")
    lender.api_base_url = f"http://127.0.0.1:{sandbox.server_port}/rotating"
    lender.save()
    previous = lender_services.rotate_webhook_secret(lender=lender)
    current = lender_services.rotate_webhook_secret(lender=lender)
    sandbox.config.secrets["rotating"] = current
    application = submit(borrower, LoanProductFactory(lender=lender))
    TOTP.activate(borrower, TOTP_SECRET)
    codes = RecoveryCodes.activate(borrower).generate_codes()
    return {
        "lender": lender,
        "secrets": (current, previous),
        "application": application,
        "codes": codes,
    }


@pytest.fixture
def new_keys_first(settings):
    """The README's first step: the new keys first, the old ones kept after them."""
    old_key, old_index_key = settings.FIELD_ENCRYPTION_KEYS[0], settings.BLIND_INDEX_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, old_key]
    settings.BLIND_INDEX_KEYS = [NEW_INDEX_KEY, old_index_key]


def drop_old_keys(settings) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    settings.BLIND_INDEX_KEYS = [NEW_INDEX_KEY]


def raw_national_id(profile: BorrowerProfile) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT national_id FROM applications_borrowerprofile WHERE id = %s", [profile.pk]
        )
        return cursor.fetchone()[0]


def post_event(client, lender: Lender, application: Application, status: str, *, secret: str):
    body = json.dumps(
        {
            "application_id": str(application.id),
            "status": status,
            "occurred_at": timezone.now().isoformat(),
        }
    )
    headers = signing.signed_headers(
        secret=secret, message_id=f"evt-{status}", body=body, at=timezone.now()
    )
    return client.post(
        f"/api/partner/v1/applications/{application.id}/events",
        body,
        content_type="application/json",
        headers={**headers, "X-Lender": lender.slug},
    )


def test_rotation_finds_every_encrypted_field_by_itself():
    found = {
        f"{encrypted.label}.{name}"
        for encrypted in rotation.encrypted_models()
        for name in encrypted.fields
    }

    assert {
        "applications.BorrowerProfile.national_id",
        "applications.Application.shared_data",
        "lenders.Lender.webhook_secret",
        "lenders.Lender.previous_webhook_secret",
    } <= found


def test_check_counts_each_value_still_under_an_old_key_and_fails(
    under_the_old_key, new_keys_first
):
    out = StringIO()

    with pytest.raises(CommandError, match="10 values are still under an old key"):
        call_command("rotate_encryption_keys", "--check", stdout=out)

    assert dict(rotation.check().old) == EVERY_VALUE
    assert "lenders.Lender.webhook_secret: 1 under an old key" in out.getvalue()
    assert "applications.Application.shared_data: 1 under an old key" in out.getvalue()


def test_check_changes_nothing(under_the_old_key, new_keys_first, full_profile):
    before = raw_national_id(full_profile)

    rotation.check()

    assert raw_national_id(full_profile) == before


def test_rotation_leaves_nothing_under_an_old_key(under_the_old_key, new_keys_first):
    out = StringIO()

    call_command("rotate_encryption_keys", "--batch-size", "1", stderr=StringIO())
    call_command("rotate_encryption_keys", "--check", stdout=out)

    assert rotation.check().remaining == 0
    assert "Nothing is left under an old key." in out.getvalue()


def test_rotation_run_again_changes_nothing_more(under_the_old_key, new_keys_first, full_profile):
    """Stopped or not, running it again is safe: what is current already is left alone."""
    first = rotation.rotate(batch_size=1)
    after_first = raw_national_id(full_profile)

    again = rotation.rotate(batch_size=1)

    assert dict(first.old) == EVERY_VALUE
    assert again.remaining == 0
    assert raw_national_id(full_profile) == after_first


def test_after_rotation_the_old_keys_can_go_and_every_value_still_reads(
    under_the_old_key, new_keys_first, settings, borrower, full_profile
):
    rotation.rotate()
    drop_old_keys(settings)

    profile = BorrowerProfile.objects.get(pk=full_profile.pk)
    assert (profile.full_name, profile.mobile, profile.national_id, profile.employer) == (
        "李娜",
        "13912345678",
        VALID_ID,
        "示例有限公司",
    )
    lender = Lender.objects.get(pk=under_the_old_key["lender"].pk)
    assert (lender.webhook_secret, lender.previous_webhook_secret) == under_the_old_key["secrets"]
    application = Application.objects.get(pk=under_the_old_key["application"].pk)
    assert json.loads(application.shared_data)["mobile"] == "13912345678"
    totp = TOTP(Authenticator.objects.get(user=borrower, type=Authenticator.Type.TOTP))
    assert totp.validate_code(
        f"{hotp_value(TOTP_SECRET, int(timezone.now().timestamp()) // 30):06d}"
    )
    recovery = Authenticator.objects.get(user=borrower, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(recovery).generate_codes() == under_the_old_key["codes"]


def test_after_rotation_a_registered_national_id_is_still_found_by_the_new_index(
    under_the_old_key, new_keys_first, settings
):
    rotation.rotate()
    drop_old_keys(settings)
    other = get_user_model().objects.create_user(username="other", email="o@example.test")

    with pytest.raises(NationalIdTaken):
        services.update_profile(user=other, fields={"national_id": VALID_ID})


def test_after_rotation_forwarding_still_sends_and_the_lenders_callbacks_verify(
    under_the_old_key, new_keys_first, settings, sandbox, client
):
    """The shared snapshot decrypts and goes out signed with the lender's secret; the
    lender's callbacks, signed with the current or the previous secret, verify."""
    rotation.rotate()
    drop_old_keys(settings)
    application = under_the_old_key["application"]
    current, previous = under_the_old_key["secrets"]

    services.deliver(delivery_id=application.deliveries.get().pk)
    in_review = post_event(
        client, under_the_old_key["lender"], application, "in_review", secret=current
    )
    more_info = post_event(
        client, under_the_old_key["lender"], application, "more_info_needed", secret=previous
    )

    assert application.deliveries.get().state == Delivery.State.DELIVERED
    assert sandbox.state.stats()["applications"] == 1
    assert (in_review.status_code, more_info.status_code) == (200, 200)
    application.refresh_from_db()
    assert application.status == Application.Status.MORE_INFO_NEEDED


def test_a_value_no_key_decrypts_is_reported_and_left_alone(full_profile, settings):
    """Rotating cannot rescue it, and --check says so: removing keys is not safe."""
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the key it was written with is lost
    before = raw_national_id(full_profile)

    tally = rotation.rotate()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_keys", "--check", stdout=StringIO(), stderr=StringIO())

    assert tally.undecryptable["applications.BorrowerProfile.national_id"] == 1
    assert raw_national_id(full_profile) == before
