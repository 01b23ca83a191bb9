"""Lender onboarding and product review for platform staff.

Every save goes through ``services`` so that prices are recomputed and caches dropped;
status changes of products go through the publish and pause actions only.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .choices import City, Occupation
from .exceptions import AprAboveCap, LenderError
from .models import EligibilityRules, Lender, LoanProduct
from .templatetags.money import pct

PRODUCT_READONLY = ("status", "apr_min", "apr_max", "published_at")
PRODUCT_GROUPS = (
    (None, ("lender", "name", "slug", "category", "description")),
    (_("Range"), ("min_amount", "max_amount", "min_term_months", "max_term_months")),
    (
        _("Quoted price"),
        (
            "rate_value",
            "rate_unit",
            "repayment_method",
            "upfront_fee_pct",
            "monthly_fee_pct",
            "interest_free_periods",
        ),
    ),
    (_("Service"), ("early_repayment_terms", "approval_minutes")),
)
PRODUCT_EDITABLE = tuple(name for _title, names in PRODUCT_GROUPS for name in names)


class LoanProductAdminForm(forms.ModelForm):
    """Refuses, as a form error, a price that would put a published product above the cap."""

    class Meta:
        model = LoanProduct
        fields = PRODUCT_EDITABLE

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.instance.status != LoanProduct.Status.PUBLISHED:
            return cleaned
        repriced = copy.copy(self.instance)
        for name in PRODUCT_EDITABLE:
            if name in cleaned:
                setattr(repriced, name, cleaned[name])
        try:
            services.check_price_within_cap(product=repriced)
        except AprAboveCap as exc:
            raise forms.ValidationError(
                _(
                    "This product is published, so it cannot be repriced: %(reason)s "
                    "Pause it first or lower its price."
                ),
                code=exc.code,
                params={"reason": exc.message},
            ) from None
        return cleaned


class EligibilityRulesForm(forms.ModelForm):
    occupations = forms.MultipleChoiceField(
        label=_("Occupations allowed (none ticked: all)"),
        choices=Occupation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cities = forms.MultipleChoiceField(
        label=_("Cities served (none ticked: nationwide)"),
        choices=City.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = EligibilityRules
        fields = EligibilityRules.FIELDS


class EligibilityRulesInline(admin.StackedInline):
    """A product's eligibility rules, edited in one place: on the product."""

    model = EligibilityRules
    form = EligibilityRulesForm
    can_delete = False
    max_num = 1


class LoanProductInline(admin.StackedInline):
    model = LoanProduct
    form = LoanProductAdminForm
    extra = 0
    show_change_link = True
    readonly_fields = PRODUCT_READONLY
    fields = (
        ("name", "slug", "category"),
        ("min_amount", "max_amount", "min_term_months", "max_term_months"),
        ("rate_value", "rate_unit", "repayment_method"),
        ("upfront_fee_pct", "monthly_fee_pct", "interest_free_periods", "approval_minutes"),
        PRODUCT_READONLY,
    )


@admin.register(Lender)
class LenderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "licence_number", "licence_authority", "updated_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "slug", "licence_number")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [LoanProductInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:
        services.save_lender(lender=obj)

    def save_formset(self, request, form, formset, change) -> None:
        for product in formset.save(commit=False):
            services.save_product(product=product)
        for product in formset.deleted_objects:
            product.delete()
        services.invalidate_catalogue()


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "lender",
        "category",
        "repayment_method",
        "apr_range",
        "status",
        "updated_at",
    )
    list_filter = ("status", "category", "repayment_method", "rate_unit", "lender__kind", "lender")
    search_fields = ("name", "slug", "lender__name")
    list_select_related = ("lender",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = PRODUCT_READONLY
    form = LoanProductAdminForm
    inlines = [EligibilityRulesInline]
    actions = ["publish", "pause"]
    fieldsets = (
        *((title, {"fields": names}) for title, names in PRODUCT_GROUPS),
        (_("Status and true cost"), {"fields": PRODUCT_READONLY}),
    )

    @admin.display(description=_("APR range"), ordering="apr_min")
    def apr_range(self, product: LoanProduct) -> str:
        if product.apr_min is None:
            return "—"
        return f"{pct(product.apr_min)} – {pct(product.apr_max)}"

    def save_model(self, request, obj, form, change) -> None:
        services.save_product(product=obj)

    def save_formset(self, request, form, formset, change) -> None:
        for rules in formset.save(commit=False):
            services.save_rules(rules=rules)

    @admin.action(description=_("Publish the selected products"))
    def publish(self, request: HttpRequest, queryset: QuerySet[LoanProduct]) -> None:
        self._apply(request, queryset, services.publish_product, _("published"))

    @admin.action(description=_("Pause the selected products"))
    def pause(self, request: HttpRequest, queryset: QuerySet[LoanProduct]) -> None:
        self._apply(request, queryset, services.pause_product, _("paused"))

    def _apply(self, request, queryset, service, verb) -> None:
        done = 0
        for product in queryset:
            try:
                service(product=product)
            except LenderError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d product %(verb)s.", "%(n)d products %(verb)s.", done)
                % {"n": done, "verb": verb},
                messages.SUCCESS,
            )
