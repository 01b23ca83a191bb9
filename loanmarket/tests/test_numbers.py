import pytest

from loanmarket.numbers import parse_int


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("42", 42), ("0042", 42), ("100", 100)])
def test_ascii_digits_within_the_bounds_are_that_number(value, expected):
    assert parse_int(value, default=7, minimum=1, maximum=100) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "²",
        "①",
        "١٢",
        "１２",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "1e3",
        "0",
        "101",
        "9" * 5000,
    ],
)
def test_anything_else_is_the_default(value):
    assert parse_int(value, default=7, minimum=1, maximum=100) == 7
