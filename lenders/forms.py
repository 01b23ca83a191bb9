import datetime
from collections.abc import Mapping
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Lender, LoanProduct, RepaymentMethod
from .selectors import CatalogueFilters, Sort
from .templatetags.money import cny

MAX_AMOUNT = Decimal("100000000")
MAX_TERM = 360


def amount_field(**kwargs) -> forms.DecimalField:
    kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "decimal"}))
    return forms.DecimalField(
        label=_("Amount (¥)"),
        min_value=Decimal("1"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        **kwargs,
    )


def term_field(**kwargs) -> forms.IntegerField:
    kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
    return forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=MAX_TERM, **kwargs)


PAGE_FIELD = forms.IntegerField(min_value=1, max_value=10_000, required=False)


def canonical(cleaned: Mapping[str, object]) -> dict[str, str]:
    """Cleaned values spelt one way each (``10000``, never ``1e4`` or ``10000.00``), empty
    ones left out: what a cached page's key and address are made of (``pagecache``)."""
    values = {}
    for name, value in cleaned.items():
        if value is None or value == "":
            continue
        if isinstance(value, Decimal):
            values[name] = format(value.normalize(), "f")
        elif isinstance(value, datetime.date):
            values[name] = value.isoformat()
        else:
            values[name] = str(value)
    return values


def page_number(value: str | None) -> int | None:
    """The page of a list asked for: 1 when none is, ``None`` when it is not a whole number
    from 1 to 10,000."""
    try:
        return PAGE_FIELD.clean(value) or 1
    except forms.ValidationError:
        return None


class AccessibleForm(forms.Form):
    """Marks each invalid field for assistive technology and ties it to its error message."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}_error"}
                )


class QuickRequestForm(AccessibleForm):
    """The home page's "how much, for how long" question; it leads into the catalogue."""

    amount = amount_field()
    term = term_field()


class CatalogueFilterForm(AccessibleForm):
    amount = amount_field(required=False)
    term = term_field(required=False)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *LoanProduct.Category.choices],
    )
    lender_kind = forms.ChoiceField(
        label=_("Lender type"),
        required=False,
        choices=[("", _("All lender types")), *Lender.Kind.choices],
    )
    max_apr = forms.DecimalField(
        label=_("Maximum APR (%)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    method = forms.ChoiceField(
        label=_("Repayment method"),
        required=False,
        choices=[("", _("Any repayment method")), *RepaymentMethod.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (Sort.APR, _("Lowest APR")),
            (Sort.AMOUNT, _("Highest maximum amount")),
            (Sort.SPEED, _("Fastest approval")),
        ],
    )

    PRIMARY = ("amount", "term", "sort")

    def clean_sort(self) -> str:
        """The default order is no parameter at all, so that both spellings are one page."""
        sort = self.cleaned_data["sort"]
        return "" if sort == Sort.APR else sort

    def primary_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PRIMARY]

    def secondary_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.PRIMARY]

    def refines(self) -> bool:
        """Whether any of the secondary filters is set or wrong (their panel starts open)."""
        return any(self.data.get(f.name) or f.errors for f in self.secondary_fields())

    def filters(self) -> CatalogueFilters:
        """The filters that are valid; an invalid field is shown as an error and ignored."""
        data = getattr(self, "cleaned_data", {})
        return CatalogueFilters(
            amount=data.get("amount"),
            term_months=data.get("term"),
            category=data.get("category") or "",
            lender_kind=data.get("lender_kind") or "",
            max_apr=data.get("max_apr"),
            repayment_method=data.get("method") or "",
            sort=data.get("sort") or Sort.APR,
        )


class CalculatorQuery(AccessibleForm):
    """An amount, term and start date of any product: what a calculator's page is cached by."""

    amount = amount_field()
    term = term_field()
    start = forms.DateField(label=_("Start date"), required=False)

    def clean_start(self) -> datetime.date | None:
        start = self.cleaned_data["start"]
        earliest, latest = datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)
        if start is not None and not earliest <= start <= latest:
            raise forms.ValidationError(
                _("Choose a start date between 2000 and 2100."), code="out_of_range"
            )
        return start


class CalculatorForm(CalculatorQuery):
    """An amount and term within one product's range (the calculator and schedule.json)."""

    def __init__(self, *args, product: LoanProduct, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.product = product
        self.fields["amount"].widget.attrs.update(
            min=str(product.min_amount), max=str(product.max_amount)
        )
        self.fields["term"].widget.attrs.update(
            min=product.min_term_months, max=product.max_term_months
        )

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        product = self.product
        if not product.min_amount <= amount <= product.max_amount:
            raise forms.ValidationError(
                _("This product lends from %(min)s to %(max)s."),
                code="out_of_range",
                params={"min": cny(product.min_amount), "max": cny(product.max_amount)},
            )
        return amount

    def clean_term(self) -> int:
        term = self.cleaned_data["term"]
        product = self.product
        if not product.min_term_months <= term <= product.max_term_months:
            raise forms.ValidationError(
                _("This product runs from %(min)s to %(max)s months."),
                code="out_of_range",
                params={"min": product.min_term_months, "max": product.max_term_months},
            )
        return term
