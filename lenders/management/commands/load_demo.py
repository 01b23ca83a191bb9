from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from lenders.demo import load_demo

DEMO_PASSWORD = "loanmarket-demo"  # noqa: S105 - documented demo login


class Command(BaseCommand):
    help = "Load the demo lenders, products and accounts. Running it twice changes nothing."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        result = load_demo()
        user_model = get_user_model()
        for email, staff in (("admin@demo.test", True), ("borrower@demo.test", False)):
            user, created = user_model.objects.get_or_create(
                username=email,
                defaults={"email": email, "is_staff": staff, "is_superuser": staff},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
        self.stdout.write(
            "Demo data: {lenders} lenders, {products} products ({changed} changed).".format(
                **result
            )
        )
