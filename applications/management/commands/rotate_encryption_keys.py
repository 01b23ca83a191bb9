"""Re-encrypt every stored secret with the first of FIELD_ENCRYPTION_KEYS and recompute
blind indexes with the first of BLIND_INDEX_KEYS.

Put the new key first in each list (keep the old ones after it), deploy, run this, then
drop the old keys. It works in batches, each committed on its own, so it can be stopped
and run again at any time: a row already rotated is simply rotated again.
"""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from applications.models import BorrowerProfile
from applications.services import national_id_index
from loanmarket.crypto import reencrypt

PROFILE_FIELDS = ["full_name", "mobile", "national_id", "employer", "national_id_index"]
SECRET_KEYS = {"secret", "seed"}  # allauth MFA: the TOTP secret, the recovery-code seed


class Command(BaseCommand):
    help = "Re-encrypt personal data and MFA secrets with the current keys (resumable)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        profiles = self._rotate(BorrowerProfile, batch_size, self._rotate_profile)
        authenticators = self._rotate(Authenticator, batch_size, self._rotate_authenticator)
        self.stdout.write(
            f"Rotated {profiles} borrower profiles and {authenticators} MFA authenticators."
        )

    def _rotate(self, model, batch_size: int, rotate_one) -> int:
        done, last_pk = 0, 0
        while True:
            with transaction.atomic():
                batch = list(
                    model.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")[:batch_size]
                )
                for row in batch:
                    rotate_one(row)
            if not batch:
                return done
            done += len(batch)
            last_pk = batch[-1].pk
            self.stderr.write(f"{model.__name__}: {done}")

    @staticmethod
    def _rotate_profile(profile: BorrowerProfile) -> None:
        # Reading decrypted every field (with any key); saving encrypts with the first.
        profile.national_id_index = (
            national_id_index(profile.national_id) if profile.national_id else ""
        )
        profile.save(update_fields=PROFILE_FIELDS)

    @staticmethod
    def _rotate_authenticator(authenticator: Authenticator) -> None:
        data = dict(authenticator.data)
        for key in SECRET_KEYS & data.keys():
            data[key] = reencrypt(data[key])
        if "migrated_codes" in data:
            data["migrated_codes"] = [reencrypt(code) for code in data["migrated_codes"]]
        authenticator.data = data
        authenticator.save(update_fields=["data"])
