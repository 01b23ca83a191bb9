from django.core.management.base import BaseCommand
from django.db import transaction

from applications.demo import load_demo_accounts
from lenders.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo lenders, products and accounts. Running it twice changes nothing."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        result = load_demo()
        load_demo_accounts()
        self.stdout.write(
            "Demo data: {lenders} lenders, {products} products ({changed} changed).".format(
                **result
            )
        )
