from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo lenders, products and accounts. Running it twice changes nothing."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts with a published password, so it runs only with "
                "DEBUG on (make run's settings), never in production."
            )
        result = load_demo()
        self.stdout.write(
            "Demo data: {lenders} lenders, {products} products ({changed} changed).".format(
                **result
            )
        )
