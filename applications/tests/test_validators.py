"""National ID numbers (GB 11643-1999: 17 digits, a check character, a real date of birth),
mainland mobile numbers, and how saved identity is masked on screen."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from applications.masking import mask_mobile, mask_name, mask_national_id
from applications.validators import (
    national_id_birth_date,
    normalize_national_id,
    validate_mobile,
)

# GB 11643: the i-th of the first 17 digits (from the left, i = 1..17) weighs 2^(18-i) mod 11;
# the check character makes the weighted sum plus its own value ≡ 1 (mod 11), 10 written X.
WEIGHTS = [2 ** (18 - i) % 11 for i in range(1, 18)]


def check_character(first17: str) -> str:
    value = (12 - sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def wrong_check(first17: str) -> str:
    right = check_character(first17)
    return first17 + ("0" if right != "0" else "1")


def code_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return excinfo.value.code


# --- National ID numbers --------------------------------------------------------------------


def test_the_weights_are_those_of_gb_11643():
    """Given the standard, the weights are 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2."""
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_a_known_valid_id_gives_its_date_of_birth():
    """Given 110101199003074477, the date of birth is 7 March 1990."""
    assert national_id_birth_date("110101199003074477") == datetime.date(1990, 3, 7)


@pytest.mark.parametrize(
    ("first17", "born"),
    [
        ("44030419851231001", datetime.date(1985, 12, 31)),
        ("31011520000229123", datetime.date(2000, 2, 29)),  # 2000 is a leap year
        ("51010719690101987", datetime.date(1969, 1, 1)),
        ("65010220050615432", datetime.date(2005, 6, 15)),
    ],
)
def test_an_id_with_the_right_check_digit_gives_its_date_of_birth(first17, born):
    """Given 17 digits and the check character GB 11643 computes, the birth date is read."""
    assert national_id_birth_date(with_check(first17)) == born


def test_an_id_whose_check_character_is_x_is_valid():
    """Given an ID whose check value is 10, it ends in X and is valid."""
    value = with_check("11010519850615105")
    assert value.endswith("X")
    assert national_id_birth_date(value) == datetime.date(1985, 6, 15)


def test_a_lowercase_x_is_normalised_to_uppercase_and_then_valid():
    """Given a trailing lowercase x, normalising makes it X and the ID validates."""
    value = normalize_national_id("11010519850615105x")
    assert value == "11010519850615105X"
    assert national_id_birth_date(value) == datetime.date(1985, 6, 15)


def test_normalising_drops_spaces_around_and_inside_the_number():
    """Given spaces a borrower typed, normalising removes them all."""
    assert normalize_national_id(" 110101 19900307 4477 ") == "110101199003074477"


def test_a_lowercase_x_is_rejected_unless_normalised():
    """Given a lowercase x not normalised, the shape check refuses it."""
    with pytest.raises(ValidationError) as excinfo:
        national_id_birth_date("11010519850615105x")
    assert code_of(excinfo) == "id_shape"


@pytest.mark.parametrize("first17", ["11010119900307447", "44030419851231001", "11010519850615105"])
def test_an_id_with_a_wrong_check_character_is_rejected(first17):
    """Given any check character but the computed one, the checksum fails."""
    with pytest.raises(ValidationError) as excinfo:
        national_id_birth_date(wrong_check(first17))
    assert code_of(excinfo) == "id_checksum"


def test_two_swapped_digits_break_the_checksum():
    """Given 110101199003074477 with two neighbouring digits swapped, it is rejected."""
    with pytest.raises(ValidationError) as excinfo:
        national_id_birth_date("110101199030074477")
    assert code_of(excinfo) == "id_checksum"


@pytest.mark.parametrize(
    "value",
    [
        "11010119900307447",  # 17 characters
        "1101011990030744770",  # 19 characters
        "110101900307447",  # the old 15-digit number
        "",
        "11010119900307447A",  # a letter other than X
        "1101011990O3074477",  # a letter O among the digits
        "X10101199003074477",  # X anywhere but last
        "110101-19900307-4477",
    ],
)
def test_an_id_of_the_wrong_length_or_with_letters_is_rejected_by_shape(value):
    """Given a wrong length or a letter other than a final X, the shape check refuses it."""
    with pytest.raises(ValidationError) as excinfo:
        national_id_birth_date(value)
    assert code_of(excinfo) == "id_shape"


@pytest.mark.parametrize(
    "first17",
    [
        "11010119900230123",  # 30 February
        "11010119000229123",  # 29 February 1900 (not a leap year)
        "11010119901301123",  # month 13
        "11010119900000123",  # month 00
        "11010119900400123",  # day 00
        "11010119900431123",  # 31 April
    ],
)
def test_an_id_with_a_correct_checksum_but_an_impossible_date_is_rejected(first17):
    """Given a valid checksum over an impossible date of birth, the date check refuses it."""
    with pytest.raises(ValidationError) as excinfo:
        national_id_birth_date(with_check(first17))
    assert code_of(excinfo) == "id_date"


def test_an_id_whose_date_of_birth_is_after_today_is_rejected_as_not_real():
    """Given a checksum over a date after today (a borrower not yet born), the date check
    refuses it: no number is issued before its holder is born."""
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        national_id_birth_date(with_check(f"110101{tomorrow:%Y%m%d}123"))
    assert code_of(excinfo) == "id_date"


@pytest.mark.parametrize("born", ["18260101", "18000101", "00010101", "19010101"])
def test_an_id_making_the_borrower_over_120_is_rejected_as_not_real(born):
    """Given a checksum over a date in the calendar that would make its holder 200 years
    old, the date check refuses it (18-character numbers were issued from 1999)."""
    with pytest.raises(ValidationError) as excinfo:
        national_id_birth_date(with_check(f"110101{born}123"))
    assert code_of(excinfo) == "id_date"


def test_an_id_of_a_borrower_of_a_hundred_is_accepted():
    hundred = datetime.date.today().year - 100
    assert national_id_birth_date(with_check(f"110101{hundred}0101123")) == datetime.date(
        hundred, 1, 1
    )


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    "value",
    [
        "110101199003074477".translate(FULL_WIDTH),
        "11010519850615105".translate(FULL_WIDTH) + "X",
        "110101199003074477\n",
    ],
    ids=["full-width digits", "full-width digits then X", "a trailing newline"],
)
def test_an_id_with_anything_but_ascii_digits_and_x_is_rejected(value):
    """Given full-width digits (as some IMEs type) or a trailing newline, the ID is refused."""
    with pytest.raises(ValidationError):
        national_id_birth_date(value)


# --- Mobile numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_an_eleven_digit_mobile_starting_13_to_19_is_valid(prefix):
    """Given 11 digits starting 13 to 19, the number is accepted."""
    validate_mobile(f"{prefix}912345678")


@pytest.mark.parametrize(
    "value",
    [
        "1391234567a",  # a letter
        "139-1234-5678",
        "1391234567",  # 10 digits
        "139123456789",  # 12 digits
        "12912345678",  # prefix 12
        "10912345678",  # prefix 10
        "11912345678",  # prefix 11
        "23912345678",  # not starting with 1
        "+8613912345678",
        "",
    ],
)
def test_a_mobile_that_is_not_eleven_digits_from_13_to_19_is_rejected(value):
    """Given letters, 10 or 12 digits, or a prefix of 10 to 12, the number is refused."""
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(value)
    assert code_of(excinfo) == "mobile"


@pytest.mark.parametrize(
    "value",
    ["１３９１２３４５６７８", "139１２３４５６７８", "13912345678\n"],
    ids=["full-width digits", "ASCII prefix then full-width digits", "a trailing newline"],
)
def test_a_mobile_with_anything_but_eleven_ascii_digits_is_rejected(value):
    """Given full-width digits or a trailing newline, the number is refused, not stored."""
    with pytest.raises(ValidationError):
        validate_mobile(value)


# --- Masking --------------------------------------------------------------------------------


def test_a_mobile_is_masked_to_its_first_three_and_last_four_digits():
    """Given 13812345678, it shows as 138****5678."""
    assert mask_mobile("13812345678") == "138****5678"


def test_a_national_id_is_masked_to_its_last_four_characters_alone():
    """Given an 18-character ID ending 1234, it shows as **************1234: neither the
    region code (digits 1-6) nor the date of birth (7-14) can be read back."""
    assert mask_national_id("110101199003071234") == "**************1234"


def test_a_national_id_ending_in_x_keeps_the_x_visible():
    """Given an ID ending in X, the last four shown include the X."""
    assert mask_national_id("11010519850615105X") == "**************105X"


@pytest.mark.parametrize(
    ("mask", "value"),
    [(mask_mobile, "1381234567"), (mask_national_id, "11010119900307447"), (mask_mobile, "")],
)
def test_a_value_of_an_unexpected_length_is_masked_entirely(mask, value):
    """Given a mobile or ID of the wrong length, nothing of it is shown."""
    assert mask(value) == "****"


@pytest.mark.parametrize(
    ("name", "masked"), [("张三丰", "张**"), ("李娜", "李*"), ("Li", "L*"), ("王", "王*"), ("", "")]
)
def test_a_name_shows_only_its_first_character(name, masked):
    """Given a name, only its first character shows (a one-character name still gets a star)."""
    assert mask_name(name) == masked
