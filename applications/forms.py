from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lenders.choices import City, LoanPurpose, Occupation
from lenders.forms import AccessibleForm, amount_field, term_field

from .bands import AGE_BANDS, INCOME_BANDS
from .validators import (
    national_id_birth_date,
    normalize_mobile,
    normalize_national_id,
    validate_mobile,
)

MAX_MONEY = Decimal("100000000")
# Room for what people type around the digits: "+86 139-1234-5678", full-width spaces.
MOBILE_MAX_TYPED = 24
ID_MAX_TYPED = 24
YES_NO = [("", _("Choose")), ("yes", _("Yes")), ("no", _("No"))]


def _money(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=MAX_MONEY,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
    )


class YesNoField(forms.TypedChoiceField):
    def __init__(self, label) -> None:
        super().__init__(label=label, choices=YES_NO, coerce=lambda v: v == "yes")


def _text(label, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, strip=True, **kwargs)


class MatchForm(AccessibleForm):
    """What the borrower needs, and for visitors who are not logged in four coarse
    questions (bands, never identity)."""

    amount = amount_field()
    term = term_field()
    purpose = forms.ChoiceField(label=_("Purpose"), choices=LoanPurpose.choices)
    age_band = forms.ChoiceField(
        label=_("Age"),
        choices=[("", _("Choose")), *((k, label) for k, (_b, label) in AGE_BANDS.items())],
    )
    city = forms.ChoiceField(label=_("City"), choices=[("", _("Choose")), *City.choices])
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=[("", _("Choose")), *Occupation.choices]
    )
    income_band = forms.ChoiceField(
        label=_("Monthly income"),
        choices=[("", _("Choose")), *((k, label) for k, (_b, label) in INCOME_BANDS.items())],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("apr", _("Lowest APR")),
            ("speed", _("Fastest approval")),
            ("amount", _("Largest amount offered")),
        ],
    )

    BAND_FIELDS = ("age_band", "city", "occupation", "income_band")

    def __init__(self, *args, anonymous: bool, partial: bool = False, **kwargs) -> None:
        """``partial``: started from a request that answers only some questions (the home
        page's amount and term). What it gives is checked; what it leaves out is not asked
        yet, so not an error."""
        super().__init__(*args, **kwargs)
        if not anonymous:
            for name in self.BAND_FIELDS:
                del self.fields[name]
        if partial:
            for name, field in self.fields.items():
                if name not in self.data:
                    field.required = False


class IdentityForm(AccessibleForm):
    """The shape of who the borrower is. The date of birth is not asked: it is digits 7-14
    of the national ID number, read from it by the service (``services.update_profile``).
    The form knows nothing of the saved profile."""

    full_name = _text(_("Full name"), 50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=MOBILE_MAX_TYPED,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # No inputmode="numeric": a phone's digit pad has no X, and one ID number in eleven
    # ends in X. A text keyboard that capitalises lets everyone type theirs.
    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=ID_MAX_TYPED,
        help_text=_("18 characters: 17 digits, then a digit or X."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"]
        if any(c in name for c in "<>{}[]\\/;=\"'`") or any(c.isdigit() for c in name):
            raise forms.ValidationError(
                _("Enter your name as on your ID card: letters, spaces and dots only."),
                code="name_characters",
            )
        return name

    def clean_mobile(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        if mobile:  # empty keeps the saved number (the view makes it optional then)
            validate_mobile(mobile)
        return mobile

    def clean_national_id(self) -> str:
        value = normalize_national_id(self.cleaned_data["national_id"])
        if value:  # empty keeps the saved number (the view makes it optional then)
            national_id_birth_date(value)
        return value


class WorkForm(AccessibleForm):
    city = forms.ChoiceField(label=_("City"), choices=[("", _("Choose")), *City.choices])
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=[("", _("Choose")), *Occupation.choices]
    )
    employer = _text(_("Employer (work unit)"), 100, required=False)
    position = _text(_("Position"), 80, required=False)
    months_in_job = forms.IntegerField(
        label=_("Months in current job"), min_value=0, max_value=720, required=False
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("employer", "position"):
            if any(c in (cleaned.get(name) or "") for c in "<>"):
                self.add_error(name, _("Please leave out < and >."))
        return cleaned


class MoneyForm(AccessibleForm):
    monthly_income = _money(_("Monthly income after tax (¥)"))
    has_social_insurance = YesNoField(_("Do you pay social insurance?"))
    has_housing_fund = YesNoField(_("Do you pay into a housing fund?"))
    has_credit_card = YesNoField(_("Do you hold a credit card?"))
    monthly_debt_payments = _money(_("Existing monthly debt payments (¥)"))


class BusinessForm(AccessibleForm):
    monthly_business_revenue = _money(_("Monthly business revenue (¥)"))
    years_trading = forms.IntegerField(label=_("Years trading"), min_value=0, max_value=100)


class ApplyForm(AccessibleForm):
    """The request being applied for, and the borrower's explicit consent to what the page
    disclosed (``disclosure``: the signed token the page carries, checked by the service)."""

    amount = amount_field(widget=forms.HiddenInput)
    term = term_field(widget=forms.HiddenInput)
    disclosure = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=LoanPurpose.choices)
    consent = forms.BooleanField(
        label=_(
            "I agree that LoanMarket sends the information listed above to this lender, "
            "and to no one else, for this application."
        ),
        error_messages={"required": _("Without your consent we cannot send your application.")},
    )
    # Its label names the lender: the page renders it (the form does not know the lender).
    credit_inquiry = forms.BooleanField(
        label=_("I authorise this lender to query my credit report, as set out above."),
        error_messages={
            "required": _(
                "The lender needs your authorisation to query your credit report before it "
                "can review your application."
            )
        },
    )
