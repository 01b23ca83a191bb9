"""Fictional demo data for `make run` and the tests: lenders, products, accounts and the
partner portal's teams."""

from django.db import transaction

from .accounts import load_demo_accounts, load_demo_teams
from .catalogue import load_demo as load_demo_catalogue
from .portal import load_demo_applications


@transaction.atomic
def load_demo() -> dict[str, int]:
    """The demo catalogue and accounts; a second run changes nothing."""
    result = load_demo_catalogue()
    load_demo_accounts()
    load_demo_teams()
    load_demo_applications()
    return result
