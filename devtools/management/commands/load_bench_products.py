from django.core.management.base import BaseCommand

from devtools.demo.catalogue import create_bench_products


class Command(BaseCommand):
    help = "Add generated published products (for benchmarks) until there are --count of them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=5000)

    def handle(self, *args, count: int, **options) -> None:
        create_bench_products(count=count)
        self.stdout.write(f"{count} generated products.")
