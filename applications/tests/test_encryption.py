import base64

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.db import connection

from applications import services
from applications.exceptions import NationalIdTaken
from applications.models import BorrowerProfile
from devtools.testing.fixtures import VALID_ID
from loanmarket.crypto import UndecryptableValue, decrypt

pytestmark = pytest.mark.django_db

OLD_INDEX_KEY = "v1:dGVzdC1ibGluZC1pbmRleC1rZXktZm9yLWxvYW5tYXJrZXQ="
NEW_INDEX_KEY = "v2:" + base64.urlsafe_b64encode(b"a-new-blind-index-key-32-bytes!!").decode()


def raw_row(profile: BorrowerProfile) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, mobile, national_id, employer, national_id_index"
            " FROM applications_borrowerprofile WHERE id = %s",
            [profile.pk],
        )
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_the_database_holds_no_plain_identity(full_profile):
    """The raw columns hold Fernet tokens: no ID number, mobile, name or employer."""
    row = raw_row(full_profile)

    assert VALID_ID not in str(row)
    assert "13912345678" not in str(row)
    assert "李娜" not in str(row)
    assert row["national_id"].startswith("gAAAA")
    assert decrypt(row["national_id"]) == VALID_ID
    assert row["national_id_index"].startswith("v1:")
    assert VALID_ID not in row["national_id_index"]


def test_reading_with_no_matching_key_is_an_error_not_a_value(full_profile, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(UndecryptableValue):
        BorrowerProfile.objects.get(pk=full_profile.pk)


def test_a_national_id_belongs_to_one_account_found_by_its_blind_index(full_profile):

    other = get_user_model().objects.create_user(username="other", email="o@example.test")

    with pytest.raises(NationalIdTaken):
        services.update_profile(user=other, fields={"national_id": VALID_ID})


def test_an_id_indexed_under_an_old_key_is_still_found_before_rotation(full_profile, settings):

    settings.BLIND_INDEX_KEYS = [NEW_INDEX_KEY, OLD_INDEX_KEY]
    other = get_user_model().objects.create_user(username="other", email="o@example.test")

    with pytest.raises(NationalIdTaken):
        services.update_profile(user=other, fields={"national_id": VALID_ID})


def test_totp_secrets_are_stored_encrypted(borrower):
    """With our keys (the MFA adapter), so that key rotation covers them too."""
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(borrower, secret)

    stored = Authenticator.objects.get(user=borrower, type=Authenticator.Type.TOTP)
    assert stored.data["secret"] != secret
    assert decrypt(stored.data["secret"]) == secret
