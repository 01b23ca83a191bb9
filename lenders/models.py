from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loanmarket.crypto import EncryptedTextField

from . import pricing
from .choices import LoanPurpose
from .localized import Localized
from .validators import validate_api_base_url

MONEY = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 4}
APR = {"max_digits": 9, "decimal_places": 2}
MAX_QUOTED_PERCENT = Decimal("100")
# Catalogue text is Chinese, with an optional English twin (``localized``).
EMPTY_ENGLISH = _("Shown on the English site; empty: the Chinese text is shown.")
CAP_AT_LEAST_ONE = _(
    "A cap is at least 1 application; leave it empty for no cap (to stop applications, "
    "pause the product)."
)


class LenderKind(models.TextChoices):
    BANK = "bank", _("Bank")
    CONSUMER_FINANCE = "consumer_finance", _("Consumer finance company")
    MICROLOAN = "microloan", _("Microloan company")
    P2P = "p2p", _("P2P platform")
    AUTO_FINANCE = "auto_finance", _("Auto finance company")
    CARD_ISSUER = "card_issuer", _("Card issuer")


class LenderStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    UNDER_REVIEW = "under_review", _("Under review")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    OFFBOARDED = "offboarded", _("Offboarded")


class ProductCategory(models.TextChoices):
    CASH = "cash", _("Cash loan")
    INSTALLMENT = "installment", _("Installment loan")
    VEHICLE = "vehicle", _("Vehicle loan")
    BUSINESS = "business", _("Business loan")
    CREDIT_CARD = "credit_card", _("Credit card installments")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Pending review")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")


class RateUnit(models.TextChoices):
    DAILY = pricing.RateUnit.DAILY.value, _("a day")
    MONTHLY = pricing.RateUnit.MONTHLY.value, _("a month")
    ANNUAL = pricing.RateUnit.ANNUAL.value, _("a year")


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALLMENT = pricing.RepaymentMethod.EQUAL_INSTALLMENT.value, _("Equal installments")
    EQUAL_PRINCIPAL = pricing.RepaymentMethod.EQUAL_PRINCIPAL.value, _("Equal principal")
    INTEREST_ONLY = (
        pricing.RepaymentMethod.INTEREST_ONLY.value,
        _("Interest monthly, principal at the end"),
    )
    BULLET = pricing.RepaymentMethod.BULLET.value, _("Everything at the end")
    FLAT_FEE = (
        pricing.RepaymentMethod.FLAT_FEE.value,
        _("Flat monthly fee on the original amount"),
    )


class Lender(models.Model):
    """A licensed partner lender. Only an ``active`` lender's products reach borrowers.

    Its status changes only through ``services.transition_lender`` (``states`` has the table).
    """

    Kind = LenderKind
    Status = LenderStatus

    name = models.CharField(
        _("name"), max_length=120, unique=True, help_text=_("In Chinese: the legal name.")
    )
    name_en = models.CharField(
        _("name in English"), max_length=120, blank=True, help_text=EMPTY_ENGLISH
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=LenderKind.choices)
    licence_number = models.CharField(_("licence number"), max_length=80)
    licence_authority = models.CharField(_("issuing authority"), max_length=120)
    licence_authority_en = models.CharField(
        _("issuing authority in English"), max_length=120, blank=True, help_text=EMPTY_ENGLISH
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LenderStatus.choices, default=LenderStatus.APPLIED
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(
        _("description in English"), blank=True, help_text=EMPTY_ENGLISH
    )
    logo = models.ImageField(_("logo"), upload_to="lenders/logos/", blank=True)
    website = models.URLField(_("website"), blank=True)
    # Integration: where applications go (empty: the partner portal's inbox), and the
    # secret both sides sign with (shown once; the previous one verifies for 24 hours).
    api_base_url = models.URLField(
        _("API base URL"),
        blank=True,
        validators=[validate_api_base_url],
        help_text=_("https:// only. Empty: applications wait in the partner portal's inbox."),
    )
    contact_email = models.EmailField(
        _("applications contact email"),
        blank=True,
        help_text=_("Told of each new application waiting in the partner portal's inbox."),
    )
    webhook_secret = EncryptedTextField(_("signing secret"), blank=True, editable=False)
    previous_webhook_secret = EncryptedTextField(blank=True, editable=False)
    secret_rotated_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lender")
        verbose_name_plural = _("lenders")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "kind"], name="lender_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LenderKind.values), name="lender_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LenderStatus.values), name="lender_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    display_name = Localized("name")
    display_licence_authority = Localized("licence_authority")
    display_description = Localized("description")


class LoanProduct(models.Model):
    """A loan product as its lender quotes it; ``pricing`` turns it into true cost.

    Its status changes only through ``services.transition_product`` (``states`` has the table).
    """

    Category = ProductCategory
    Status = ProductStatus
    RateUnit = RateUnit
    RepaymentMethod = RepaymentMethod

    lender = models.ForeignKey(
        Lender, on_delete=models.PROTECT, related_name="products", verbose_name=_("lender")
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("In Chinese."))
    name_en = models.CharField(
        _("name in English"), max_length=120, blank=True, help_text=EMPTY_ENGLISH
    )
    slug = models.SlugField(_("slug"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=ProductCategory.choices)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(
        _("description in English"), blank=True, help_text=EMPTY_ENGLISH
    )
    min_amount = models.DecimalField(_("minimum amount"), **MONEY)
    max_amount = models.DecimalField(_("maximum amount"), **MONEY)
    min_term_months = models.PositiveSmallIntegerField(
        _("minimum term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    max_term_months = models.PositiveSmallIntegerField(
        _("maximum term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    rate_value = models.DecimalField(
        _("quoted rate (%)"),
        **PERCENT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_QUOTED_PERCENT)],
    )
    rate_unit = models.CharField(_("quoted per"), max_length=10, choices=RateUnit.choices)
    repayment_method = models.CharField(
        _("repayment method"), max_length=20, choices=RepaymentMethod.choices
    )
    upfront_fee_pct = models.DecimalField(
        _("upfront fee (percent of the amount)"),
        **PERCENT,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
    )
    monthly_fee_pct = models.DecimalField(
        _("monthly guarantee or service fee (percent of the amount)"),
        **PERCENT,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_QUOTED_PERCENT)],
    )
    interest_free_periods = models.PositiveSmallIntegerField(_("interest-free months"), default=0)
    early_repayment_terms = models.TextField(_("early repayment terms"), blank=True)
    early_repayment_terms_en = models.TextField(
        _("early repayment terms in English"), blank=True, help_text=EMPTY_ENGLISH
    )
    approval_minutes = models.PositiveIntegerField(
        _("typical approval time (minutes)"), validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    # True cost over the whole range (computed by services.save_product, never typed in):
    # ranking and filtering use them; every figure shown for a request is priced afresh.
    apr_min = models.DecimalField(_("lowest APR (%)"), **APR, null=True, editable=False)
    apr_max = models.DecimalField(_("highest APR (%)"), **APR, null=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, editable=False)
    # Lead caps (``services.set_product_caps`` writes them; ``ApplicationIntake`` counts).
    daily_cap = models.IntegerField(
        _("daily cap"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, message=CAP_AT_LEAST_ONE)],
        help_text=_(
            "The most applications it accepts in a day (from 00:00 Beijing time). Empty: no cap."
        ),
    )
    monthly_cap = models.IntegerField(
        _("monthly cap"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, message=CAP_AT_LEAST_ONE)],
        help_text=_(
            "The most applications it accepts in a calendar month (Beijing time). Empty: no cap."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["lender__name", "name"]
        indexes = [
            models.Index(fields=["status", "apr_min"], name="product_status_apr"),
            models.Index(fields=["status", "max_amount"], name="product_status_max_amount"),
            models.Index(fields=["status", "approval_minutes"], name="product_status_approval"),
            models.Index(fields=["status", "category"], name="product_status_category"),
            models.Index(fields=["status", "min_amount", "max_amount"], name="product_amounts"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lender", "slug"],
                name="product_slug_unique_per_lender",
                violation_error_message=_("This lender already has a product with this slug."),
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gte=100),
                name="product_min_amount_at_least_100",
                violation_error_message=_("The minimum amount is at least ¥100."),
            ),
            models.CheckConstraint(
                condition=Q(min_amount__lte=F("max_amount")),
                name="product_amount_range",
                violation_error_message=_(
                    "The minimum amount cannot be more than the maximum amount."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_term_months__gte=1, max_term_months__lte=360),
                name="product_term_bounds",
                violation_error_message=_("Terms run from 1 to 360 months."),
            ),
            models.CheckConstraint(
                condition=Q(min_term_months__lte=F("max_term_months")),
                name="product_term_range",
                violation_error_message=_("The minimum term cannot be more than the maximum term."),
            ),
            models.CheckConstraint(
                condition=Q(rate_value__gte=0, monthly_fee_pct__gte=0, upfront_fee_pct__gte=0),
                name="product_rates_not_negative",
                violation_error_message=_("Rates and fees cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(
                    rate_value__lte=MAX_QUOTED_PERCENT, monthly_fee_pct__lte=MAX_QUOTED_PERCENT
                ),
                name="product_rates_at_most_100",
                violation_error_message=_("No rate or fee above 100% a period is listed."),
            ),
            models.CheckConstraint(
                condition=Q(upfront_fee_pct__lte=50),
                name="product_upfront_fee_at_most_half",
                violation_error_message=_("An upfront fee cannot exceed half the amount."),
            ),
            models.CheckConstraint(
                condition=Q(interest_free_periods__lt=F("max_term_months")),
                name="product_free_periods_below_term",
                violation_error_message=_(
                    "Interest-free months must be fewer than the maximum term."
                ),
            ),
            models.CheckConstraint(
                condition=Q(approval_minutes__gte=1),
                name="product_approval_time_positive",
                violation_error_message=_("The approval time must be at least a minute."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=ProductCategory.values), name="product_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(rate_unit__in=RateUnit.values), name="product_rate_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(repayment_method__in=RepaymentMethod.values),
                name="product_repayment_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProductStatus.values), name="product_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(apr_max__isnull=False),
                name="product_published_is_priced",
                violation_error_message=_("A product must be priced before it is published."),
            ),
            models.CheckConstraint(
                condition=(Q(daily_cap__isnull=True) | Q(daily_cap__gte=1))
                & (Q(monthly_cap__isnull=True) | Q(monthly_cap__gte=1)),
                name="product_caps_positive",
                violation_error_message=CAP_AT_LEAST_ONE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lender} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("lenders:product", args=[self.lender.slug, self.slug])

    display_name = Localized("name")
    display_description = Localized("description")
    display_early_repayment_terms = Localized("early_repayment_terms")

    @property
    def quoted_price(self) -> pricing.QuotedPrice:
        return pricing.QuotedPrice(
            rate_value=self.rate_value,
            rate_unit=pricing.RateUnit(self.rate_unit),
            repayment_method=pricing.RepaymentMethod(self.repayment_method),
            upfront_fee_pct=self.upfront_fee_pct,
            monthly_fee_pct=self.monthly_fee_pct,
            interest_free_periods=self.interest_free_periods,
        )

    def accepts(self, *, amount: Decimal, term_months: int) -> bool:
        return (
            self.min_amount <= amount <= self.max_amount
            and self.min_term_months <= term_months <= self.max_term_months
        )


class ApplicationIntake(models.Model):
    """How many applications a product has accepted in one day or month (Beijing time).

    Only ``services.claim_application_place`` changes ``taken``: one conditional UPDATE
    (``taken = taken + 1 WHERE taken < cap``) in the application's own transaction, so
    concurrent applications never pass a cap and a failed application gives its place back.
    A withdrawn application keeps its place: the lender received it.
    """

    class Period(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")

    product = models.ForeignKey(LoanProduct, on_delete=models.CASCADE, related_name="intakes")
    period = models.CharField(max_length=5, choices=Period.choices)
    starts_on = models.DateField()
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "period", "starts_on"], name="intake_unique_per_period"
            ),
            models.CheckConstraint(condition=Q(period__in=["day", "month"]), name="intake_period"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.period} {self.starts_on} · {self.taken}"


class ProductTermApr(models.Model):
    """A product's APR for one term (the highest over its amount range), for ranking, and its
    largest installment per yuan lent (the highest of the range's two ends), for affordability."""

    product = models.ForeignKey(LoanProduct, on_delete=models.CASCADE, related_name="term_aprs")
    term_months = models.PositiveSmallIntegerField()
    apr = models.DecimalField(**APR)
    max_payment_per_yuan = models.DecimalField(max_digits=16, decimal_places=10)

    class Meta:
        indexes = [models.Index(fields=["term_months", "apr"], name="term_apr_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["product", "term_months"], name="term_apr_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.term_months} · {self.apr}"


class EligibilityRules(models.Model):
    """Who a product lends to. Every rule is optional; an empty rule allows everyone.

    Matching (``applications.matching``) explains each rule a borrower fails in words.
    """

    # Every rule, in the order admin shows them and matching reads them.
    FIELDS = (
        "min_age",
        "max_age",
        "min_monthly_income",
        "occupations",
        "min_months_in_job",
        "cities",
        "social_insurance_required",
        "min_business_revenue",
        "min_years_trading",
        "max_debt_to_income_pct",
        "income_multiple",
        "revenue_multiple",
        "purposes",
    )

    product = models.OneToOneField(
        LoanProduct, on_delete=models.CASCADE, related_name="rules", verbose_name=_("product")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=65)
    min_monthly_income = models.DecimalField(
        _("minimum monthly income (¥)"), **MONEY, null=True, blank=True
    )
    occupations = models.JSONField(
        _("occupations allowed"),
        default=list,
        blank=True,
        help_text=_("Empty: every occupation. Students only ever match bank products."),
    )
    min_months_in_job = models.PositiveSmallIntegerField(
        _("minimum months in current job"), null=True, blank=True
    )
    cities = models.JSONField(
        _("cities served"), default=list, blank=True, help_text=_("Empty: nationwide.")
    )
    social_insurance_required = models.BooleanField(_("social insurance required"), default=False)
    min_business_revenue = models.DecimalField(
        _("minimum monthly business revenue (¥)"), **MONEY, null=True, blank=True
    )
    min_years_trading = models.PositiveSmallIntegerField(
        _("minimum years trading"), null=True, blank=True
    )
    max_debt_to_income_pct = models.DecimalField(
        _("maximum debt-to-income ratio (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    income_multiple = models.DecimalField(
        _("maximum amount as a multiple of monthly income"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    revenue_multiple = models.DecimalField(
        _("maximum amount as a multiple of monthly business revenue"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    purposes = models.JSONField(
        _("purposes served"),
        default=list,
        blank=True,
        help_text=_(
            "Empty: the category's own. A vehicle loan serves buying a car, a business loan "
            "business; every other category serves every purpose but business."
        ),
    )

    class Meta:
        verbose_name = _("eligibility rules")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__gte=18, min_age__lte=F("max_age")),
                name="rules_age_range",
                violation_error_message=_(
                    "Borrowers are at least 18, and the minimum age cannot exceed the maximum."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(min_monthly_income__isnull=True) | Q(min_monthly_income__gte=0))
                & (Q(min_business_revenue__isnull=True) | Q(min_business_revenue__gte=0))
                & (Q(max_debt_to_income_pct__isnull=True) | Q(max_debt_to_income_pct__gt=0))
                & (Q(income_multiple__isnull=True) | Q(income_multiple__gt=0))
                & (Q(revenue_multiple__isnull=True) | Q(revenue_multiple__gt=0)),
                name="rules_not_negative",
                violation_error_message=_("Rule amounts and ratios cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.product)


# What each category serves when its rules name no purposes. Consumer credit may not fund a
# business (nor a business loan consumption); a vehicle loan pays for the vehicle.
CATEGORY_PURPOSES = {
    ProductCategory.VEHICLE: frozenset({LoanPurpose.CAR.value}),
    ProductCategory.BUSINESS: frozenset({LoanPurpose.BUSINESS.value}),
}
CONSUMER_PURPOSES = frozenset(LoanPurpose.values) - {LoanPurpose.BUSINESS.value}


def purposes_served(*, category: str, purposes: list[str] | frozenset[str]) -> frozenset[str]:
    """The purposes a product serves: its rules' own, or else its category's."""
    if purposes:
        return frozenset(purposes)
    return CATEGORY_PURPOSES.get(category, CONSUMER_PURPOSES)


class StatusEvent(models.Model):
    """One change of status: who, when, from, to and why."""

    class Actor(models.TextChoices):
        STAFF = "staff", _("LoanMarket staff")
        LENDER = "lender", _("The lender")
        PLATFORM = "platform", _("LoanMarket")

    actor = models.CharField(_("by"), max_length=10, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    from_status = models.CharField(_("from"), max_length=20)
    to_status = models.CharField(_("to"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class LenderEvent(StatusEvent):
    """A lender's onboarding history (``services.transition_lender``)."""

    lender = models.ForeignKey(
        Lender, on_delete=models.CASCADE, related_name="events", verbose_name=_("lender")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("lender status change")
        verbose_name_plural = _("lender status changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    actor__in=StatusEvent.Actor.values,
                    from_status__in=LenderStatus.values,
                    to_status__in=LenderStatus.values,
                ),
                name="lender_event_valid",
            ),
        ]


class ProductEvent(StatusEvent):
    """A product's review history (``services.transition_product``)."""

    product = models.ForeignKey(
        LoanProduct, on_delete=models.CASCADE, related_name="events", verbose_name=_("product")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("product status change")
        verbose_name_plural = _("product status changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    actor__in=StatusEvent.Actor.values,
                    from_status__in=ProductStatus.values,
                    to_status__in=ProductStatus.values,
                ),
                name="product_event_valid",
            ),
        ]
