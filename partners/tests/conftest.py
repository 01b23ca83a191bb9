"""A lender with a signing secret (kept on ``lender.secret`` for the test to sign with), and
an application forwarded to it."""

import pytest

from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders.tests.factories import LenderFactory, LoanProductFactory


@pytest.fixture
def lender(db):
    lender = LenderFactory(slug="harbour")
    lender.secret = lender_services.rotate_webhook_secret(lender=lender)
    return lender


@pytest.fixture
def application(borrower, full_profile, lender):
    """Forwarded (this lender takes applications in the portal inbox)."""
    return submit(borrower, LoanProductFactory(lender=lender))
