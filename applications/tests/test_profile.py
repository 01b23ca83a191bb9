import pytest
from django.http import QueryDict

from applications.models import BorrowerProfile
from devtools.testing.fixtures import VALID_ID

pytestmark = pytest.mark.django_db

IDENTITY = "/applications/profile/identity/"


def identity(**overrides) -> dict:
    data = {
        "full_name": "王芳",
        "mobile": "13812345678",
        "national_id": VALID_ID,
        "date_of_birth": "1990-03-07",
    }
    data.update(overrides)
    return data


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
    response = borrower_client.post(IDENTITY, identity(mobile="", national_id="", date_of_birth=""))

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
        ({"national_id": "ABC"}, "national_id", "at least 18 characters"),
        ({"date_of_birth": "1990-03-08"}, "date_of_birth", "does not match your national ID"),
        ({"date_of_birth": "2015-01-01"}, "date_of_birth", "18 or older"),
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


def test_a_new_date_of_birth_needs_the_id_number_typed_again(borrower_client, full_profile):
    response = borrower_client.post(
        IDENTITY,
        identity(mobile="", national_id="", date_of_birth="1991-03-07"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "national_id": ["To change your date of birth, type your national ID number again as well."]
    }
    assert BorrowerProfile.objects.get(pk=full_profile.pk).date_of_birth.isoformat() == (
        "1990-03-07"
    )


def test_full_width_digits_typed_on_a_chinese_keyboard_are_saved_as_ascii(
    borrower_client, borrower
):
    response = borrower_client.post(IDENTITY, identity(mobile="１３８１２３４５６７８"))

    assert response.status_code == 302
    assert BorrowerProfile.objects.get(user=borrower).mobile == "13812345678"
