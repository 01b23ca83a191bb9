from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lenders.models import Lender, LoanProduct
from partners.sandbox import ProductRange, SandboxConfig, SandboxServer


class Command(BaseCommand):
    help = (
        "Run the sandbox lender: it plays every lender whose API base URL points at it, "
        "verifying their signatures with their secrets. Development only (DEBUG on)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--fail-rate", type=float, default=0.0)
        parser.add_argument("--decline-rate", type=float, default=0.2)
        parser.add_argument("--callback-delay", type=float, default=3.0)
        parser.add_argument("--callback-url", default="http://127.0.0.1:8000")

    def handle(
        self,
        *args,
        port: int,
        latency_ms: int,
        fail_rate: float,
        decline_rate: float,
        callback_delay: float,
        callback_url: str,
        **options,
    ) -> None:
        if not settings.DEBUG:
            # It decrypts the signing secret of every lender whose URL points at it.
            raise CommandError(
                _(
                    "The sandbox lender is a development tool: it reads lenders' signing "
                    "secrets. It runs only with DEBUG on (loanmarket.settings.local, as make "
                    "run uses)."
                )
            )
        base = f"http://127.0.0.1:{port}/"
        secrets = {
            lender.api_base_url.removeprefix(base).strip("/"): lender.webhook_secret
            for lender in Lender.objects.filter(api_base_url__startswith=base)
        }
        products = {
            (product.lender.api_base_url.removeprefix(base).strip("/"), product.slug): (
                ProductRange.of(product)
            )
            for product in LoanProduct.objects.filter(
                lender__api_base_url__startswith=base, apr_max__isnull=False
            ).select_related("lender")
        }
        config = SandboxConfig(
            secrets=secrets,
            products=products,
            latency_ms=latency_ms,
            fail_rate=fail_rate,
            decline_rate=decline_rate,
            callback_base=callback_url,
            callback_delay=callback_delay,
        )
        server = SandboxServer(("127.0.0.1", port), config)
        self.stdout.write(f"Sandbox lender on {base} for {len(secrets)} lenders.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.shutdown()
