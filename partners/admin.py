"""Lender teams and the record of who saw borrowers' personal data, for platform staff.

Staff add members to a lender here (the owner's own team page comes later). Access records
are read-only and never deleted: nobody may edit who saw what.
"""

from django.contrib import admin

from .models import LenderMembership, PersonalDataAccess


@admin.register(LenderMembership)
class LenderMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "lender", "role", "created_at")
    list_filter = ("role", "lender")
    list_select_related = ("user", "lender")
    search_fields = ("user__email", "lender__name", "lender__name_en", "lender__slug")
    raw_id_fields = ("user",)
    fields = ("user", "lender", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: every view or export of personal fields by a lender member."""

    list_display = ("accessed_at", "user", "lender", "kind", "application", "client_ip")
    list_filter = ("kind", "lender")
    list_select_related = ("user", "lender", "application")
    search_fields = ("user__email", "application__id")
    date_hierarchy = "accessed_at"
    fields = ("accessed_at", "user", "lender", "kind", "application", "detail", "client_ip")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
