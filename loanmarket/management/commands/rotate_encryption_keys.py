"""Re-encrypt every stored value with the first of FIELD_ENCRYPTION_KEYS and recompute
blind indexes with the first of BLIND_INDEX_KEYS (``loanmarket.rotation``).

Put the new key first in each list (keep the old ones after it), deploy, run this, then
``--check``: when it reports nothing left under an old key, drop the old keys. Batches are
committed one by one, so it can be stopped and run again at any time.
"""

from django.core.management.base import BaseCommand, CommandError

from loanmarket import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value and blind index with the current keys (resumable); "
        "--check counts what is still under an old key."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit non-zero if any value is still under an old key.",
        )

    def handle(self, *args, batch_size: int, check: bool, **options) -> None:
        if check:
            tally = rotation.check(batch_size=batch_size)
            for where, count in sorted(tally.old.items()):
                self.stdout.write(f"{where}: {count} under an old key")
        else:
            tally = rotation.rotate(batch_size=batch_size, progress=self._progress)
            for where, count in sorted(tally.old.items()):
                self.stdout.write(f"{where}: {count} re-encrypted")
        for where, count in sorted(tally.undecryptable.items()):
            self.stderr.write(f"{where}: {count} that no key decrypts")
        if tally.undecryptable:
            raise CommandError(
                "Some values cannot be decrypted with any of FIELD_ENCRYPTION_KEYS: restore "
                "the key they were written with before removing any."
            )
        if check and tally.old:
            raise CommandError(
                f"{sum(tally.old.values())} values are still under an old key: run "
                "rotate_encryption_keys, and keep the old keys until --check passes."
            )
        done = (
            "Nothing is left under an old key."
            if check
            else "Every value is under the current key."
        )
        self.stdout.write(done)

    def _progress(self, label: str, rows: int) -> None:
        self.stderr.write(f"{label}: {rows} rows")
