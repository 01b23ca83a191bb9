"""How personal data is shown once saved: enough to recognise, never enough to use."""


def mask_mobile(mobile: str) -> str:
    """138****5678"""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "****"


def mask_national_id(national_id: str) -> str:
    """**************1234 — the last four only.

    An ID number is the region code (digits 1–6), the date of birth (7–14), a sequence
    number (15–17) and a check character. Showing the region and the date, or leaving them
    guessable, gives the whole number away: the region has few candidates once the date is
    known, and the check character then rules out ten in eleven. The last four carry
    neither, so nothing shown beside them (a date of birth, a city) completes the number.
    """
    return f"{'*' * 14}{national_id[-4:]}" if len(national_id) == 18 else "****"


def mask_name(name: str) -> str:
    """张** / L*** — the first character only."""
    return f"{name[:1]}{'*' * max(len(name) - 1, 1)}" if name else ""
