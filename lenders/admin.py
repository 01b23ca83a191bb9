"""Lender onboarding and product review for platform staff.

Every save goes through ``services`` so that prices are recomputed and caches dropped.
Statuses are read-only here: the actions change them through ``services.transition_lender``
and ``services.transition_product`` (asking for a reason where ``states`` needs one), and each
lender's and product's page lists its status changes.
"""

import copy
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import selectors, services, states
from .choices import City, LoanPurpose, Occupation
from .exceptions import AprAboveCap, LenderError
from .models import (
    EligibilityRules,
    Lender,
    LenderEvent,
    LoanProduct,
    ProductEvent,
    StatusEvent,
)
from .templatetags.money import pct

PRODUCT_READONLY = ("status", "apr_min", "apr_max", "published_at")
PRODUCT_GROUPS = (
    (None, ("lender", "name", "name_en", "slug", "category", "description", "description_en")),
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
    (_("Service"), ("early_repayment_terms", "early_repayment_terms_en", "approval_minutes")),
)
PRODUCT_CAPS = ("daily_cap", "monthly_cap")
PRODUCT_EDITABLE = tuple(name for _title, names in PRODUCT_GROUPS for name in names)


class LoanProductAdminForm(forms.ModelForm):
    """Refuses, as a form error, a price that would put a published product above the cap."""

    class Meta:
        model = LoanProduct
        fields = (*PRODUCT_EDITABLE, *PRODUCT_CAPS)

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
    purposes = forms.MultipleChoiceField(
        label=_("Purposes served (none ticked: the category's own)"),
        help_text=_(
            "A vehicle loan serves buying a car, a business loan business; every other "
            "category serves every purpose but business."
        ),
        choices=LoanPurpose.choices,
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


def apr_range(product: LoanProduct) -> str:
    if product.apr_min is None:
        return "—"
    return f"{pct(product.apr_min)} – {pct(product.apr_max)}"


class LoanProductInline(admin.TabularInline):
    """The lender's products, one line each, linked to their own pages: a product is edited
    there, with its rules and the price checks."""

    model = LoanProduct
    extra = 0
    show_change_link = True
    can_delete = False  # a product is paused or sent back, never deleted: its history stays
    fields = readonly_fields = (
        "name",
        "name_en",
        "category",
        "repayment_method",
        "apr",
        "status",
    )

    @admin.display(description=_("APR range"))
    def apr(self, product: LoanProduct) -> str:
        return apr_range(product)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept with the status change, for the lender and for audit."),
    )


class StatusEventInline(admin.TabularInline):
    """Who changed the status, when, from what, to what and why (read-only)."""

    extra = 0
    can_delete = False
    fields = readonly_fields = ("occurred_at", "from_label", "to_label", "actor", "user", "reason")

    @admin.display(description=_("from"))
    def from_label(self, event: StatusEvent) -> str:
        return self.status_labels[event.from_status]

    @admin.display(description=_("to"))
    def to_label(self, event: StatusEvent) -> str:
        return self.status_labels[event.to_status]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LenderEventInline(StatusEventInline):
    model = LenderEvent
    status_labels = dict(Lender.Status.choices)


class ProductEventInline(StatusEventInline):
    model = ProductEvent
    status_labels = dict(LoanProduct.Status.choices)


def status_action(name: str, to: str, description) -> Callable:
    """An admin action that moves each selected object to ``to`` (see ``StatusActions``)."""

    def action(modeladmin, request: HttpRequest, queryset: QuerySet):
        return modeladmin.change_status(request, queryset, to=to, action=name)

    action.__name__ = name
    return admin.action(description=description)(action)


class StatusActions:
    """Status changes as admin actions, each through the model's transition service.

    When a selected object's move needs a reason (``states``), an intermediate page asks for
    one first; an object whose move the table refuses is named with why, and the others go
    ahead.
    """

    transition: Callable
    needs_reason: Callable[[str, str], bool]
    subject: str

    def get_inlines(self, request, obj):
        """No status changes to show while adding."""
        if obj is None:
            return [i for i in self.inlines if not issubclass(i, StatusEventInline)]
        return self.inlines

    def change_status(self, request: HttpRequest, queryset: QuerySet, *, to: str, action: str):
        chosen = list(queryset)
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if any(self.needs_reason(obj.status, to) for obj in chosen) and not form.is_valid():
            return TemplateResponse(
                request,
                "admin/lenders/status_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Why?"),
                    "opts": self.model._meta,
                    "objects": chosen,
                    "target": self.model.Status(to).label,
                    "form": form,
                    "action": action,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        reason = form.cleaned_data["reason"] if form.is_bound and form.is_valid() else ""
        done = 0
        for obj in chosen:
            try:
                self.transition(
                    **{self.subject: obj},
                    to=to,
                    actor=StatusEvent.Actor.STAFF,
                    user=request.user,
                    reason=reason,
                )
            except LenderError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            opts = self.model._meta
            self.message_user(
                request,
                ngettext(
                    "%(n)d %(name)s is now %(status)s.", "%(n)d %(name)s are now %(status)s.", done
                )
                % {
                    "n": done,
                    "name": opts.verbose_name if done == 1 else opts.verbose_name_plural,
                    "status": self.model.Status(to).label,
                },
                messages.SUCCESS,
            )
        return None


L = Lender.Status
P = LoanProduct.Status


@admin.register(Lender)
class LenderAdmin(StatusActions, admin.ModelAdmin):
    list_display = (
        "name",
        "name_en",
        "kind",
        "status",
        "licence_number",
        "licence_authority",
        "updated_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("name", "name_en", "slug", "licence_number")
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("status", "signing_secret", "product_links")
    inlines = [LoanProductInline, LenderEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [
        status_action("start_review", L.UNDER_REVIEW, _("Start reviewing the selected lenders")),
        status_action(
            "activate", L.ACTIVE, _("Activate the selected lenders (approve or reinstate)")
        ),
        status_action("send_back", L.APPLIED, _("Send the selected lenders back to applied")),
        status_action("suspend", L.SUSPENDED, _("Suspend the selected lenders")),
        status_action("offboard", L.OFFBOARDED, _("Offboard the selected lenders (final)")),
        "rotate_secret",
    ]
    transition = staticmethod(services.transition_lender)
    needs_reason = staticmethod(states.lender_needs_reason)
    subject = "lender"

    @admin.display(description=_("signing secret"))
    def signing_secret(self, lender: Lender) -> str:
        if not lender.secret_rotated_at:
            return gettext(
                "None yet: its applications cannot be sent. Issue one with the action "
                "“Rotate the signing secret”."
            )
        return gettext("Issued %(when)s (shown once, never again).") % {
            "when": date_format(lender.secret_rotated_at, "DATETIME_FORMAT")
        }

    @admin.display(description=_("products"))
    def product_links(self, lender: Lender) -> str:
        if lender.pk is None:
            return "—"
        return format_html(
            '<a href="{}?lender={}">{}</a> · <a href="{}?lender__id__exact={}">{}</a>',
            reverse("admin:lenders_loanproduct_add"),
            lender.pk,
            gettext("Add a product"),
            reverse("admin:lenders_loanproduct_changelist"),
            lender.pk,
            gettext("Find its products in the product list"),
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a lender is suspended or offboarded, never deleted: records stay

    def save_model(self, request, obj, form, change) -> None:
        services.save_lender(lender=obj)

    @admin.action(description=_("Rotate the signing secret (shows the new one once)"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Lender]):
        """Issue a new signing secret and show it on this one page, which nothing keeps: it
        is not in a message (those are stored in a cookie), a log or a cache."""
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(
                request, gettext("Choose exactly one lender to rotate its secret."), messages.ERROR
            )
            return None
        lender = chosen[0]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Signing secret of %(lender)s") % {"lender": lender},
            "opts": self.model._meta,
            "lender": lender,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        if "apply" in request.POST:
            context["secret"] = services.rotate_webhook_secret(lender=lender)
            self.log_change(request, lender, gettext("Rotated the signing secret."))
        response = TemplateResponse(request, "admin/lenders/signing_secret.html", context)
        add_never_cache_headers(response)
        return response


@admin.register(LoanProduct)
class LoanProductAdmin(StatusActions, admin.ModelAdmin):
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
    search_fields = ("name", "name_en", "slug", "lender__name", "lender__name_en")
    list_select_related = ("lender",)
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = (*PRODUCT_READONLY, "places_taken")
    form = LoanProductAdminForm
    inlines = [EligibilityRulesInline, ProductEventInline]
    actions = [
        status_action(
            "submit_for_review", P.PENDING_REVIEW, _("Submit the selected products for review")
        ),
        status_action("publish", P.PUBLISHED, _("Publish the selected products")),
        status_action("pause", P.PAUSED, _("Pause the selected products")),
        status_action("send_back", P.DRAFT, _("Send the selected products back to draft")),
    ]
    transition = staticmethod(services.transition_product)
    needs_reason = staticmethod(states.product_needs_reason)
    subject = "product"
    fieldsets = (
        *((title, {"fields": names}) for title, names in PRODUCT_GROUPS),
        (_("Lead caps"), {"fields": (*PRODUCT_CAPS, "places_taken")}),
        (_("Status and true cost"), {"fields": PRODUCT_READONLY}),
    )

    @admin.display(description=_("APR range"), ordering="apr_min")
    def apr_range(self, product: LoanProduct) -> str:
        return apr_range(product)

    @admin.display(description=_("applications accepted"))
    def places_taken(self, product: LoanProduct) -> str:
        if product.pk is None:
            return "-"
        taken = selectors.places_taken(product=product)
        return (
            gettext(
                "%(day)s today, %(month)s this month (Beijing time; counted while a cap is set)"
            )
            % taken
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a product is paused or sent back, never deleted: its history stays

    def save_model(self, request, obj, form, change) -> None:
        caps = {name: form.cleaned_data.get(name) for name in PRODUCT_CAPS}
        services.save_product(product=obj)
        services.set_product_caps(
            product=obj, daily_cap=caps["daily_cap"], monthly_cap=caps["monthly_cap"]
        )

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not EligibilityRules:
            super().save_formset(request, form, formset, change)  # read-only: saves nothing
            return
        for rules in formset.save(commit=False):
            services.save_rules(rules=rules)
