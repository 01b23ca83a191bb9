"""Catalogue text in the reader's language.

A translatable field ``f`` holds the Chinese text (the default, and the legal name where it
is a name); ``f_en`` beside it holds the English, and may be blank. ``Localized("f")`` reads
the one the active language shows, so a template prints ``{{ lender.display_name }}``.
"""

from django.utils.translation import get_language


def in_language(obj: object, field: str) -> str:
    """``obj.<field>_en`` on the English site when it is filled, else ``obj.<field>``."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


class Localized:
    """A read-only attribute: ``field``'s text in the active language (``in_language``)."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: object, owner: type | None = None):
        if obj is None:
            return self
        return in_language(obj, self.field)
