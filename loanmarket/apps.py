from django.apps import AppConfig


class LoanmarketConfig(AppConfig):
    name = "loanmarket"
    verbose_name = "LoanMarket"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
