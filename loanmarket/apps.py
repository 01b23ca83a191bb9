from django.apps import AppConfig


class LoanmarketConfig(AppConfig):
    name = "loanmarket"
    verbose_name = "LoanMarket"

    def ready(self) -> None:
        # The record that setting up TOTP passes the second factor (loanmarket/mfa.py).
        from . import mfa  # noqa: F401
