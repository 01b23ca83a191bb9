"""A masked ID number is never shown beside what restores its hidden digits.

An ID number is the region code (digits 1-6), the date of birth (7-14), a sequence number
and a check character: a page that shows the region or the date of birth, in any format,
beside the last four gives the whole number away. Each page that shows the masked ID is
read here in both languages.
"""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from applications.bands import AGE_BANDS, age_on, band_of
from applications.models import BorrowerProfile
from devtools.testing.fixtures import VALID_ID
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

MASKED = "**************4477"
REGION = VALID_ID[:6]  # 110101, Beijing Dongcheng
BIRTH_DATE_FORMS = [
    "1990-03-07",
    "19900307",
    "1990/03/07",
    "1990/3/7",
    "1990.03.07",
    "03/07/1990",
    "07/03/1990",
    "1990年3月7日",
    "1990年03月07日",
    "March 7, 1990",
    "Mar. 7, 1990",
    "7 March 1990",
    "199003",  # year and month together narrow it as much
    VALID_ID[6:14],
]


def assert_nothing_restores_the_id(html: str) -> None:
    assert MASKED in html
    assert VALID_ID not in html
    assert REGION not in html
    for form in BIRTH_DATE_FORMS:
        assert form not in html, form


@pytest.fixture
def product():
    return LoanProductFactory(
        lender=LenderFactory(slug="harbour"), slug="salary", max_amount=Decimal("200000")
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_apply_page_names_the_date_of_birth_as_shared_without_printing_it(
    borrower_client, full_profile, product, language
):
    response = borrower_client.get(
        "/applications/apply/harbour/salary/",
        {"amount": "20000", "term": "12", "purpose": "consumption"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert_nothing_restores_the_id(html)
    if language == "en":
        assert "<dt>Date of birth</dt><dd>Sent in full; not shown here</dd>" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_profile_page_shows_the_masked_id_and_nothing_that_completes_it(
    borrower_client, full_profile, language
):
    html = borrower_client.get(
        "/applications/profile/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert_nothing_restores_the_id(html)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_identity_step_does_not_put_the_date_of_birth_back_beside_the_masked_id(
    borrower_client, full_profile, language
):
    html = borrower_client.get(
        "/applications/profile/identity/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert_nothing_restores_the_id(html)
    if language == "en":
        assert "Saved (not shown, so that it cannot complete your masked ID number)" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_see_the_masked_id_with_an_age_band_not_the_date_of_birth(
    staff_client, full_profile, language
):
    age = age_on(full_profile.date_of_birth, timezone.localdate())
    with translation.override(language):
        band = str(AGE_BANDS[band_of(age, AGE_BANDS)][1])

    response = staff_client.get(
        f"/admin/applications/borrowerprofile/{full_profile.pk}/change/",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert_nothing_restores_the_id(html)
    assert band in html


def test_leaving_the_saved_date_of_birth_empty_keeps_it(borrower_client, full_profile):
    response = borrower_client.post(
        "/applications/profile/identity/",
        {"full_name": "李娜", "mobile": "", "national_id": "", "date_of_birth": ""},
    )

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(pk=full_profile.pk).date_of_birth == (
        full_profile.date_of_birth
    )


def test_a_new_id_number_with_another_birth_date_needs_that_date_typed(
    borrower_client, full_profile
):
    other_id = "11010519491231002X"  # born 1949-12-31

    refused = borrower_client.post(
        "/applications/profile/identity/",
        {"full_name": "李娜", "mobile": "", "national_id": other_id, "date_of_birth": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    saved = borrower_client.post(
        "/applications/profile/identity/",
        {"full_name": "李娜", "mobile": "", "national_id": other_id, "date_of_birth": "1949-12-31"},
    )

    assert refused.status_code == 400
    assert "Enter the date of birth on this ID card." in refused.content.decode()
    assert saved.status_code == 302
    profile = BorrowerProfile.objects.get(pk=full_profile.pk)
    assert (profile.national_id, profile.date_of_birth.isoformat()) == (other_id, "1949-12-31")
