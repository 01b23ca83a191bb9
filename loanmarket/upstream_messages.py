"""Django's and allauth's messages that their Simplified Chinese catalogues lack or get wrong
(Django 5.2, allauth 65).

``makemessages`` reads only our code, and ``--no-obsolete`` drops whatever it did not find,
so these are marked here: our catalogue (``LOCALE_PATHS``, read before theirs) then carries
their translations. Nothing imports this module; each string is exactly the upstream msgid.

- Django's minimum-length password error changed its msgid in 5.2 (``%(min_length)d``
  became ``%d``); the Chinese translation is still of the old one, so every short password
  was refused in English.
- Admin strings added since the last Chinese update of Django's catalogue, and the label
  suffix, which it leaves half-width.
- allauth's Chinese for these has half-width punctuation, spaces around a link, the
  English word "Email", or a placeholder its message never fills (it showed "%(email)s"
  as it is).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

# The colon after every form label in the admin: Django's Chinese keeps it half-width.
LABEL_SUFFIX = gettext_noop(":")

DJANGO = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
)

ALLAUTH = (
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Enter your password:"),
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have confirmed %(email)s."),
)
