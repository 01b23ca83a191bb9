"""The portal's forms: they check the shape of input; the services check the rules."""

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from lenders.models import LoanProduct

from ..models import DeclineReason
from ..selectors import AMOUNT_BANDS, InboxFilters


class InboxFilterForm(forms.Form):
    """The inbox's filters and search, from the query string; every field optional."""

    q = forms.CharField(label=_("Application ID"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Application.Status.choices]
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        required=False,
        queryset=LoanProduct.objects.none(),
        empty_label=_("Any"),
    )
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.CharField(label=_("Channel"), required=False, max_length=50)
    amount = forms.ChoiceField(
        label=_("Amount"),
        required=False,
        choices=[("", _("Any"))] + [(code, label) for code, label, _low, _high in AMOUNT_BANDS],
    )

    def __init__(self, *args, products, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products

    def clean_q(self) -> uuid.UUID | None:
        text = self.cleaned_data["q"].strip()
        if not text:
            return None
        try:
            return uuid.UUID(text)
        except ValueError:
            raise forms.ValidationError(
                _("Give an application's whole ID, e.g. 3f2b8c1e-0d4a-4b7e-9a51-2c6d8e9f0a1b.")
            ) from None

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("date_from"), cleaned.get("date_to")
        if low and high and low > high:
            self.add_error("date_to", _("The end of the date range is before its start."))
        return cleaned

    def filters(self) -> InboxFilters:
        data = self.cleaned_data
        return InboxFilters(
            status=data["status"],
            product=data["product"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            channel=data["channel"].strip(),
            amount_band=data["amount"],
            application_id=data["q"],
        )

    def described(self) -> str:
        """The filters given, in a line for the export's access record."""
        return ", ".join(
            f"{name}={value}" for name, value in self.data.items() if name in self.fields and value
        )


class ApproveForm(forms.Form):
    approved_amount = forms.DecimalField(
        label=_("Approved amount (¥)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    apr = forms.DecimalField(
        label=_("APR (%)"), min_value=Decimal("0"), max_digits=9, decimal_places=2
    )
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=360)


class DeclineForm(forms.Form):
    decline_reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(
        label=_("Note to the borrower"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoreInfoForm(forms.Form):
    note = forms.CharField(
        label=_("What do you need from the borrower?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisburseForm(forms.Form):
    disbursed_amount = forms.DecimalField(
        label=_("Amount disbursed (¥)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    disbursed_on = forms.DateField(
        label=_("Disbursed on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_disbursed_on(self):
        day = self.cleaned_data["disbursed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A disbursement cannot be in the future."))
        return day


DECISION_FORMS = {
    "approve": ApproveForm,
    "decline": DeclineForm,
    "more-info": MoreInfoForm,
    "disburse": DisburseForm,
}
