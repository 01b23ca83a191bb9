"""A lender sees only its own applications."""

import pytest

from lenders.tests.factories import LenderFactory
from partners import selectors
from partners.exceptions import NotFound

pytestmark = pytest.mark.django_db


def test_a_lender_sees_its_own_applications(lender, application):
    assert list(selectors.lender_applications(lender=lender)) == [application]
    assert selectors.lender_application(lender=lender, application_id=application.id) == application


def test_another_lender_sees_none_of_them(application):
    other = LenderFactory(slug="other")

    assert not selectors.lender_applications(lender=other).exists()
    with pytest.raises(NotFound):
        selectors.lender_application(lender=other, application_id=application.id)


def test_a_lenders_applications_arrive_with_their_product_in_one_query(
    lender, application, django_assert_num_queries
):
    with django_assert_num_queries(1):
        [found] = selectors.lender_applications(lender=lender)
        assert found.product.lender_id == lender.pk
