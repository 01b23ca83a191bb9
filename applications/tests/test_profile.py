import re

import pytest
from django.http import QueryDict

from applications.models import BorrowerProfile
from applications.validators import ID_CHECK_CHARS, ID_WEIGHTS
from devtools.testing.fixtures import VALID_ID

pytestmark = pytest.mark.django_db

IDENTITY = "/applications/profile/identity/"


def identity(**overrides) -> dict:
    data = {
        "full_name": "王芳",
        "mobile": "13812345678",
        "national_id": VALID_ID,
    }
    data.update(overrides)
    return data


def id_born(born: str) -> str:
    """A valid ID number (Beijing Dongcheng) carrying the date of birth ``born`` (YYYYMMDD)."""
    body = f"110101{born}123"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK_CHARS[total % 11]


def test_the_profile_needs_a_login(client):
    response = client.get("/applications/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_saving_identity_encrypts_it_and_shows_it_masked(borrower_client, borrower):
    response = borrower_client.post(IDENTITY, identity())

    assert response.status_code == 302
    assert response["Location"] == "/applications/profile/work/"  # the next unfinished step
    page = borrower_client.get("/applications/profile/").content.decode()
    assert "138****5678" in page
    assert "**************4477" in page
    assert "13812345678" not in page
    assert VALID_ID not in page
    profile = BorrowerProfile.objects.get(user=borrower)
    assert profile.national_id == VALID_ID


def test_saved_identity_is_never_put_back_into_the_form(borrower_client, full_profile):
    page = borrower_client.get(IDENTITY, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert VALID_ID not in page
    assert "13912345678" not in page
    assert "Saved: 139****5678. Leave empty to keep it." in page


def test_leaving_a_saved_secret_empty_keeps_it(borrower_client, full_profile):
    response = borrower_client.post(IDENTITY, identity(mobile="", national_id=""))

    assert response.status_code == 302
    profile = BorrowerProfile.objects.get(pk=full_profile.pk)
    assert profile.national_id == VALID_ID
    assert profile.full_name == "王芳"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"national_id": VALID_ID[:-1] + "0"},
            "national_id",
            "not valid: please check every digit",
        ),
        ({"national_id": "11010119900230447X"}, "national_id", "does not hold a real date"),
        ({"national_id": "ABC"}, "national_id", "17 digits and then a digit or X"),
        ({"national_id": id_born("20150101")}, "national_id", "18 or older"),
        ({"national_id": id_born("18260101")}, "national_id", "does not hold a real date"),
        ({"national_id": id_born("20900101")}, "national_id", "does not hold a real date"),
        (
            {"national_id": "１１０１０１１８２６０１０１１２３" + id_born("18260101")[-1]},
            "national_id",
            "does not hold a real date",
        ),
        ({"mobile": "1381234abcd"}, "mobile", "11-digit mainland mobile number"),
        ({"mobile": "12812345678"}, "mobile", "11-digit mainland mobile number"),
        ({"full_name": "x" * 10_000}, "full_name", "at most 50 characters"),
        ({"full_name": "<script>alert(1)</script>"}, "full_name", "letters, spaces and dots"),
    ],
)
def test_bad_identity_is_a_clear_error_and_nothing_is_stored(
    borrower_client, borrower, overrides, field, message
):
    response = borrower_client.post(IDENTITY, identity(**overrides), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert field in response.context["form"].errors
    assert "<script>alert(1)</script>" not in html
    assert 'value="王芳"' in html or field == "full_name"  # the rest of the form is kept
    profile = BorrowerProfile.objects.get(user=borrower)
    assert profile.full_name == ""
    assert profile.national_id == ""


def test_an_id_registered_to_another_account_is_refused_without_saying_whose(
    client, full_profile, django_user_model
):
    other = django_user_model.objects.create_user(username="b", email="b@example.test")
    client.force_login(other)

    response = client.post(IDENTITY, identity(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "We could not save this ID number. Please contact support." in (
        response.content.decode()
    )
    assert full_profile.user.email not in response.content.decode()
    assert BorrowerProfile.objects.get(user=other).national_id == ""


@pytest.mark.parametrize(
    ("step", "data", "error_field"),
    [
        ("work", {"city": "atlantis", "occupation": "salaried"}, "city"),
        ("work", {"city": "beijing", "occupation": "salaried", "employer": "<b>x</b>"}, "employer"),
        (
            "work",
            {"city": "beijing", "occupation": "salaried", "months_in_job": "-1"},
            "months_in_job",
        ),
        (
            "money",
            {
                "monthly_income": "-100",
                "has_social_insurance": "yes",
                "has_housing_fund": "no",
                "has_credit_card": "no",
                "monthly_debt_payments": "0",
            },
            "monthly_income",
        ),
    ],
)
def test_bad_answers_in_later_steps_are_form_errors(borrower_client, step, data, error_field):
    response = borrower_client.post(f"/applications/profile/{step}/", data)

    assert response.status_code == 400
    assert error_field in response.context["form"].errors


def test_the_business_step_is_only_for_business_owners(borrower_client, borrower):
    assert borrower_client.get("/applications/profile/business/").status_code == 404

    borrower_client.post(
        "/applications/profile/work/", {"city": "shenzhen", "occupation": "business_owner"}
    )

    assert borrower_client.get("/applications/profile/business/").status_code == 200


def test_after_the_last_step_the_borrower_returns_where_they_came_from(
    borrower_client, full_profile
):
    response = borrower_client.post(
        "/applications/profile/work/",
        {"city": "beijing", "occupation": "salaried", "next": "/match/?amount=5000"},
    )

    assert response["Location"] == "/match/?amount=5000"


def test_an_offsite_next_is_ignored(borrower_client, full_profile):
    response = borrower_client.post(
        "/applications/profile/work/",
        {"city": "beijing", "occupation": "salaried", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/applications/profile/"


@pytest.mark.parametrize("target", ["0", "match", "javascript:alert(1)", "//evil.example/"])
def test_a_return_address_that_is_not_a_path_here_is_ignored_not_a_500(
    borrower_client, full_profile, target
):
    """Found by the property test: ``next=0`` made ``redirect`` try to reverse a URL name."""
    response = borrower_client.post(
        "/applications/profile/work/",
        {"city": "beijing", "occupation": "salaried", "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == "/applications/profile/"


def test_a_return_address_keeps_every_parameter_between_steps(borrower_client, borrower):
    """The next step is reached with the whole return address, ``&`` and all, encoded."""
    target = "/applications/apply/jade/daily/?amount=5000&term=12&purpose=consumption"

    response = borrower_client.post(
        "/applications/profile/work/",
        {"city": "beijing", "occupation": "salaried", "next": target},
    )

    location = response["Location"]
    assert location.startswith("/applications/profile/")
    assert QueryDict(location.partition("?")[2])["next"] == target


def test_an_unknown_step_is_404(borrower_client):
    assert borrower_client.get("/applications/profile/passport/").status_code == 404


def test_the_identity_step_does_not_ask_the_date_of_birth(borrower_client):
    """The date of birth is digits 7-14 of the ID number: asking it again is a trap."""
    response = borrower_client.get(IDENTITY, HTTP_ACCEPT_LANGUAGE="en")

    assert "date_of_birth" not in response.context["form"].fields
    assert 'name="date_of_birth"' not in response.content.decode()
    assert "Your date of birth is read from it" in response.content.decode()


def test_the_date_of_birth_saved_is_the_one_the_id_number_carries(borrower_client, borrower):
    response = borrower_client.post(IDENTITY, identity(national_id=id_born("19850612")))

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(user=borrower).date_of_birth.isoformat() == "1985-06-12"


def test_a_posted_date_of_birth_is_ignored_the_id_numbers_is_kept(borrower_client, full_profile):
    response = borrower_client.post(IDENTITY, identity(date_of_birth="1991-03-07"))

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(pk=full_profile.pk).date_of_birth.isoformat() == (
        "1990-03-07"
    )


def test_the_id_field_offers_a_keyboard_that_can_type_the_x_check_digit(borrower_client):
    """Not inputmode="numeric": a phone's digit pad has no X, which ends one number in 11."""
    html = borrower_client.get(IDENTITY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    field = re.search(r'<input[^>]*name="national_id"[^>]*>', html).group(0)

    assert 'autocapitalize="characters"' in field
    assert "inputmode" not in field
    assert "17 digits, then a digit or X" in html


def test_a_lower_case_x_check_digit_is_saved_as_x(borrower_client, borrower):
    number = "11010119900307002X"
    assert number[-1] == "X"  # the check digit of this body is X

    response = borrower_client.post(IDENTITY, identity(national_id=number.lower()))

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(user=borrower).national_id == number


def test_the_identity_step_says_how_the_id_number_is_protected(borrower_client):
    html = borrower_client.get(IDENTITY, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "How we protect it: your ID number is stored encrypted" in html


@pytest.mark.parametrize(
    "typed",
    [
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "0086 13812345678",
        "86 138-1234-5678",
        "138 1234 5678",
        "(+86) 138.1234.5678",
        "＋８６ １３８１２３４５６７８",
    ],
)
def test_mobile_numbers_with_a_country_code_spaces_or_dashes_are_normalised(
    borrower_client, borrower, typed
):
    response = borrower_client.post(IDENTITY, identity(mobile=typed))

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(user=borrower).mobile == "13812345678"


def test_full_width_digits_typed_on_a_chinese_keyboard_are_saved_as_ascii(
    borrower_client, borrower
):
    response = borrower_client.post(IDENTITY, identity(mobile="１３８１２３４５６７８"))

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(user=borrower).mobile == "13812345678"
