"""Django's own messages that its Simplified Chinese catalogue lacks (Django 5.2).

``makemessages`` reads only our code, and ``--no-obsolete`` drops whatever it did not find,
so these are marked here: our catalogue (``LOCALE_PATHS``, read before Django's) then carries
their translations. Nothing imports this module; each string is exactly Django's msgid.

- The minimum-length password error changed its msgid in Django 5.2 (``%(min_length)d``
  became ``%d``); the Chinese translation is still of the old one, so every short password
  was refused in English.
- Admin strings added since the last Chinese update of Django's catalogue.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

ADMIN = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
)
