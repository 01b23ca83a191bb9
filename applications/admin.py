"""Staff see borrowers' profiles masked and match logs as they are (bands only)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .bands import AGE_BANDS, age_on, band_of
from .exceptions import ApplicationError
from .masking import mask_mobile, mask_name, mask_national_id
from .models import (
    Application,
    ApplicationEvent,
    BorrowerProfile,
    Consent,
    Delivery,
    DeliveryAttempt,
    IdentityConflict,
    MatchLog,
)


class KeepsRecords:
    """A record: never deleted from admin, one by one or in bulk, whoever asks. Without the
    permission the delete page is a 403 and Django offers no "delete selected" action."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyRecords(KeepsRecords):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BorrowerProfile)
class BorrowerProfileAdmin(admin.ModelAdmin):
    """Read-only: identity is shown masked; borrowers change their own profile."""

    list_display = ("number", "user", "masked_name", "city", "occupation", "channel", "created_at")
    list_filter = ("occupation", "city", "channel")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = (
        "user",
        "masked_name",
        "masked_mobile",
        "masked_national_id",
        "age_band",
        "city",
        "occupation",
        "position",
        "months_in_job",
        "monthly_income",
        "has_social_insurance",
        "has_housing_fund",
        "has_credit_card",
        "monthly_debt_payments",
        "monthly_business_revenue",
        "years_trading",
        "channel",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ID"), ordering="pk")
    def number(self, profile: BorrowerProfile) -> int:
        return profile.pk

    @admin.display(description=_("full name"))
    def masked_name(self, profile: BorrowerProfile) -> str:
        return mask_name(profile.full_name)

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, profile: BorrowerProfile) -> str:
        return mask_mobile(profile.mobile) if profile.mobile else ""

    @admin.display(description=_("national ID number"))
    def masked_national_id(self, profile: BorrowerProfile) -> str:
        return mask_national_id(profile.national_id) if profile.national_id else ""

    @admin.display(description=_("age"))
    def age_band(self, profile: BorrowerProfile) -> str:
        """A ten-year band, not the date of birth: that is digits 7-14 of the masked ID."""
        if profile.date_of_birth is None:
            return ""
        code = band_of(age_on(profile.date_of_birth, timezone.localdate()), AGE_BANDS)
        return str(AGE_BANDS[code][1]) if code else ""


@admin.register(IdentityConflict)
class IdentityConflictAdmin(admin.ModelAdmin):
    """Read-only: accounts that tried to save an ID number another account holds. The
    borrower was told only to contact support; staff find both accounts here."""

    list_display = ("created_at", "user", "holder", "client_ip")
    list_select_related = ("user", "holder")
    search_fields = ("user__email", "holder__email")
    date_hierarchy = "created_at"
    fields = ("created_at", "user", "holder", "client_ip", "national_id_index")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MatchLog)
class MatchLogAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "logged_in",
        "age_band",
        "income_band",
        "city",
        "occupation",
        "amount",
        "term_months",
        "purpose",
        "eligible",
        "undecided",
        "ineligible",
        "channel",
    )
    list_filter = ("logged_in", "purpose", "channel", "occupation")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DeliveryInline(ReadOnlyRecords, admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("kind", "state", "attempts", "next_attempt_at", "last_error", "delivered_at")
    readonly_fields = fields


class EventInline(ReadOnlyRecords, admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "actor", "user", "from_label", "to_label", "detail")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("from"))
    def from_label(self, event: ApplicationEvent) -> str:
        return event.from_label or "-"

    @admin.display(description=_("to"))
    def to_label(self, event: ApplicationEvent) -> str:
        return event.to_label


@admin.register(Application)
class ApplicationAdmin(KeepsRecords, admin.ModelAdmin):
    """Status is read-only: it changes through services (here: the re-send action)."""

    # The product's name already names its lender: one column for both leaves room for the
    # decided terms and the status on a laptop's screen.
    list_display = ("id", "product", "amount_now", "apr_now", "status", "submitted_at")
    list_filter = ("status", "in_portal_inbox", "lender")
    list_select_related = ("lender", "product")
    date_hierarchy = "submitted_at"
    fields = (
        "id",
        "borrower",
        "lender",
        "product",
        "amount",
        "term_months",
        "purpose",
        "apr",
        "first_payment",
        "total_repayment",
        "decision_amount",
        "decision_term_months",
        "decision_apr",
        "decision_first_payment",
        "decision_total_repayment",
        "decision_reason",
        "status",
        "lender_reference",
        "in_portal_inbox",
        "submitted_at",
    )
    readonly_fields = fields
    inlines = [EventInline, DeliveryInline]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("amount (as decided, else as applied for)"))
    def amount_now(self, application: Application):
        return application.terms.amount

    @admin.display(description=_("APR (as decided, else as applied for)"))
    def apr_now(self, application: Application):
        return application.terms.apr

    @admin.action(description=_("Re-send the selected applications to their lenders"))
    def resend(self, request, queryset) -> None:
        for application in queryset:
            try:
                services.resend(application=application)
            except ApplicationError as exc:
                self.message_user(request, f"{application.id}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("Re-sending %(id)s.") % {"id": application.id})


@admin.register(Consent)
class ConsentAdmin(ReadOnlyRecords, admin.ModelAdmin):
    """What each borrower consented to send, to which lender, under which text."""

    list_display = ("given_at", "application_number", "lender_name", "text_version")
    list_filter = ("text_version",)
    search_fields = ("application__id", "lender_name")
    date_hierarchy = "given_at"
    fields = (
        "application_number",
        "lender_name",
        "text_version",
        "fields",
        "given_at",
        "ip_address",
    )
    readonly_fields = fields

    @admin.display(description=_("application"))
    def application_number(self, consent: Consent) -> str:
        return str(consent.application_id)


class DeliveryAttemptInline(ReadOnlyRecords, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "duration_ms", "status_code", "error")
    readonly_fields = fields


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyRecords, admin.ModelAdmin):
    """Each message to a lender and every attempt to send it."""

    list_display = ("created_at", "application_number", "kind", "state", "attempts", "delivered_at")
    list_filter = ("kind", "state")
    search_fields = ("application__id", "idempotency_key")
    date_hierarchy = "created_at"
    fields = (
        "application_number",
        "kind",
        "idempotency_key",
        "state",
        "attempts",
        "retrying_since",
        "next_attempt_at",
        "lease_expires_at",
        "last_error",
        "created_at",
        "delivered_at",
    )
    readonly_fields = fields
    inlines = [DeliveryAttemptInline]

    @admin.display(description=_("application"))
    def application_number(self, delivery: Delivery) -> str:
        return str(delivery.application_id)
