"""allauth's authenticator list, with its columns and filters named in the page's language
(allauth's model gives them no verbose names, so Django titled them in English)."""

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


def titled(filter_class: type, title) -> type:
    """``filter_class`` under another title."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class NamedAuthenticatorAdmin(AuthenticatorAdmin):
    list_display = ("owner", "kind", "created", "last_used")
    list_select_related = ("user",)
    list_filter = (
        ("type", titled(admin.ChoicesFieldListFilter, _("kind"))),
        ("created_at", titled(admin.DateFieldListFilter, _("created"))),
        ("last_used_at", titled(admin.DateFieldListFilter, _("last used"))),
    )

    @admin.display(description=_("user"), ordering="user")
    def owner(self, authenticator: Authenticator):
        return authenticator.user

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, authenticator: Authenticator) -> str:
        return authenticator.get_type_display()

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, authenticator: Authenticator):
        return authenticator.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, authenticator: Authenticator):
        return authenticator.last_used_at
