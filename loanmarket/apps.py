from django.apps import AppConfig


class LoanmarketConfig(AppConfig):
    name = "loanmarket"
    verbose_name = "LoanMarket"
