"""A masked ID number is never shown beside what restores its hidden digits.

An ID number is the region code (digits 1-6), the date of birth (7-14), a sequence number
and a check character: a page that shows the region or the date of birth, in any format,
beside the last four gives the whole number away. Each page that shows the masked ID is
read here in both languages. Nor does any answer depend on the hidden digits: a date of
birth is only ever checked against an ID number typed beside it.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.views.debug import SafeExceptionReporterFilter

from applications.bands import AGE_BANDS, age_on, band_of
from applications.models import BorrowerProfile
from devtools.testing.fixtures import VALID_ID
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

IDENTITY = "/applications/profile/identity/"
MASKED = "**************4477"
BORN_1949_12_31 = "11010519491231002X"
BORN_1990_03_07 = "110105199003070025"  # VALID_ID's date of birth, another region
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


def identity_posted(client, **fields):
    """The identity step posted with what a borrower who keeps the saved values types."""
    data = {"full_name": "李娜", "mobile": "", "national_id": "", "date_of_birth": "", **fields}
    return client.post(IDENTITY, data, HTTP_ACCEPT_LANGUAGE="en")


def page_without(response, typed: str) -> str:
    """The page, without its CSRF token and the value the borrower typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return html.replace(typed, "")


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
    html = borrower_client.get(IDENTITY, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert_nothing_restores_the_id(html)
    assert 'name="date_of_birth"' not in html  # not asked: the ID number carries it


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
    response = identity_posted(borrower_client)

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(pk=full_profile.pk).date_of_birth == (
        full_profile.date_of_birth
    )


def test_a_date_of_birth_posted_without_the_id_number_gets_one_answer_right_or_wrong(
    borrower_client, full_profile
):
    """The probe: were a posted date compared with the saved number, the answer to date
    after date would read its hidden digits 7-14 back. The form does not read it at all."""
    right = identity_posted(borrower_client, date_of_birth="1990-03-07")
    wrong = identity_posted(borrower_client, date_of_birth="1991-03-07")

    assert right.status_code == wrong.status_code == 302
    assert right["Location"] == wrong["Location"]
    assert BorrowerProfile.objects.get(pk=full_profile.pk).date_of_birth == (
        full_profile.date_of_birth
    )


def test_the_date_of_birth_is_saved_with_the_id_number_typed_again_beside_it(
    borrower_client, full_profile
):
    response = identity_posted(borrower_client, national_id=VALID_ID, date_of_birth="1990-03-07")

    assert response.status_code == 302


def test_a_corrected_id_number_and_its_date_of_birth_are_saved_together(
    borrower_client, full_profile
):
    response = identity_posted(
        borrower_client, national_id=BORN_1949_12_31, date_of_birth="1949-12-31"
    )

    assert response.status_code == 302
    profile = BorrowerProfile.objects.get(pk=full_profile.pk)
    assert (profile.national_id, profile.date_of_birth.isoformat()) == (
        BORN_1949_12_31,
        "1949-12-31",
    )


@pytest.mark.parametrize(
    ("new_id", "born"),
    [(BORN_1990_03_07, "1990-03-07"), (BORN_1949_12_31, "1949-12-31")],
    ids=["the saved date", "another date"],
)
def test_a_new_id_number_without_a_date_of_birth_saves_the_date_it_carries(
    borrower_client, full_profile, new_id, born
):
    """The same answer whether or not the new number's date is the saved one."""
    response = identity_posted(borrower_client, national_id=new_id)

    assert response.status_code == 302
    profile = BorrowerProfile.objects.get(pk=full_profile.pk)
    assert (profile.national_id, profile.date_of_birth.isoformat()) == (new_id, born)


def test_a_date_of_birth_posted_beside_a_new_id_number_is_ignored_for_the_numbers(
    borrower_client, full_profile
):
    response = identity_posted(
        borrower_client, national_id=BORN_1949_12_31, date_of_birth="1990-03-07"
    )

    assert response.status_code == 302
    profile = BorrowerProfile.objects.get(pk=full_profile.pk)
    assert (profile.national_id, profile.date_of_birth.isoformat()) == (
        BORN_1949_12_31,
        "1949-12-31",
    )


def test_error_reports_hide_every_identity_value_the_borrower_posts(borrower_client, borrower):
    response = identity_posted(
        borrower_client, mobile="13812345678", national_id=VALID_ID, date_of_birth="1990-03-07"
    )

    reported = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    for name in ("full_name", "mobile", "national_id", "date_of_birth"):
        assert reported[name] == SafeExceptionReporterFilter.cleansed_substitute, name
