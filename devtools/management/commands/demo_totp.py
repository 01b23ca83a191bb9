from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from devtools.demo.accounts import DEMO_EMAILS, current_totp_code, totp_of


class Command(BaseCommand):
    help = "Print the current two-factor (TOTP) code of a demo account, e.g. admin@demo.test."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="a demo account's email address")

    def handle(self, *args, email: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "demo_totp reads a two-factor secret, so it runs only with DEBUG on (make "
                "run's settings), never in production."
            )
        if email not in DEMO_EMAILS:
            raise CommandError(f"{email} is not a demo account ({', '.join(sorted(DEMO_EMAILS))}).")
        user = get_user_model().objects.filter(email=email).first()
        authenticator = totp_of(user) if user else None
        if authenticator is None:
            raise CommandError(
                f"{email} has no TOTP authenticator (load_demo gives one to the staff account "
                "and to the partner owners and managers)."
            )
        self.stdout.write(current_totp_code(authenticator))
