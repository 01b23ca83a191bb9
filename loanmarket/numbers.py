"""Whole numbers read from a request outside a form: one strict parser for all of them.

``str.isdigit()`` accepts superscript and circled digits (``²``, ``①``) that ``int()``
then refuses, and ``int()`` accepts other scripts' digits and refuses strings of more than
4,300 digits: each was a 500. Here only ASCII digits count, and the length is checked
before any conversion.
"""


def parse_int(value: str | None, *, default: int, minimum: int, maximum: int) -> int:
    """``value`` as an int when it is ASCII digits only, within [minimum, maximum];
    otherwise ``default`` (a missing, malformed, negative or out-of-range value)."""
    if (
        not value
        or not value.isascii()
        or not value.isdigit()
        or len(value.lstrip("0")) > len(str(maximum))
    ):
        return default
    number = int(value)
    return number if minimum <= number <= maximum else default
