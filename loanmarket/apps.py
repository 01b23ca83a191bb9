from django.apps import AppConfig


class LoanmarketConfig(AppConfig):
    name = "loanmarket"
    verbose_name = "LoanMarket"

    def ready(self) -> None:
        # The deployment checks, and the record that setting up TOTP passes the second
        # factor (loanmarket/mfa.py).
        from . import checks, mfa  # noqa: F401
