"""How personal data is shown once saved: enough to recognise, never enough to use."""


def mask_mobile(mobile: str) -> str:
    """138****5678"""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "****"


def mask_national_id(national_id: str) -> str:
    """110***********1234"""
    return f"{national_id[:3]}{'*' * 11}{national_id[-4:]}" if len(national_id) == 18 else "****"


def mask_name(name: str) -> str:
    """张** / L*** — the first character only."""
    return f"{name[:1]}{'*' * max(len(name) - 1, 1)}" if name else ""
