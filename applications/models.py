import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lenders import pricing
from lenders.choices import City, LoanPurpose, Occupation
from lenders.models import MONEY, Lender, LoanProduct
from loanmarket.crypto import EncryptedTextField

from . import states
from .states import ApplicationStatus


class BorrowerProfile(models.Model):
    """Who a borrower is, filled in short steps. Identity fields are encrypted at rest;
    the national ID is found by its blind index, never by its value."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="borrower_profile",
        verbose_name=_("account"),
    )
    # Identity (encrypted; shown masked).
    full_name = EncryptedTextField(_("full name"), blank=True)
    mobile = EncryptedTextField(_("mobile number"), blank=True)
    national_id = EncryptedTextField(_("national ID number"), blank=True)
    national_id_index = models.CharField(max_length=80, blank=True, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # Work.
    city = models.CharField(_("city"), max_length=20, choices=City.choices, blank=True)
    occupation = models.CharField(
        _("occupation"), max_length=20, choices=Occupation.choices, blank=True
    )
    employer = EncryptedTextField(_("employer (work unit)"), blank=True)
    position = models.CharField(_("position"), max_length=80, blank=True)
    months_in_job = models.PositiveSmallIntegerField(
        _("months in current job"), null=True, blank=True
    )
    # Money (per month, in yuan).
    monthly_income = models.DecimalField(_("monthly income"), **MONEY, null=True, blank=True)
    has_social_insurance = models.BooleanField(_("pays social insurance"), null=True)
    has_housing_fund = models.BooleanField(_("pays into a housing fund"), null=True)
    has_credit_card = models.BooleanField(_("holds a credit card"), null=True)
    monthly_debt_payments = models.DecimalField(
        _("existing monthly debt payments"), **MONEY, null=True, blank=True
    )
    # Business owners.
    monthly_business_revenue = models.DecimalField(
        _("monthly business revenue"), **MONEY, null=True, blank=True
    )
    years_trading = models.PositiveSmallIntegerField(_("years trading"), null=True, blank=True)
    # Where the borrower came from (first visit's ?utm_source= or ?channel=).
    channel = models.CharField(_("acquisition channel"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("borrower profile")
        verbose_name_plural = _("borrower profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_index"],
                name="profile_national_id_unique",
                condition=~Q(national_id_index=""),
            ),
            models.CheckConstraint(
                condition=(Q(monthly_income__isnull=True) | Q(monthly_income__gte=0))
                & (Q(monthly_debt_payments__isnull=True) | Q(monthly_debt_payments__gte=0))
                & (Q(monthly_business_revenue__isnull=True) | Q(monthly_business_revenue__gte=0)),
                name="profile_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"profile {self.pk}"


class IdentityConflict(models.Model):
    """An account tried to save a national ID number that another account holds, for staff
    to review. Never the number itself: its blind index finds every account that holds it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("account holding the number"),
    )
    national_id_index = models.CharField(_("blind index of the number"), max_length=80)
    client_ip = models.GenericIPAddressField(_("client address"), null=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("identity conflict")
        verbose_name_plural = _("identity conflicts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"identity conflict {self.pk}"


class MatchLog(models.Model):
    """One match, for funnel reports: bands and counts only, never personal data."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    logged_in = models.BooleanField(_("signed in"))
    age_band = models.CharField(_("age band"), max_length=10, blank=True)
    income_band = models.CharField(_("income band"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=20, blank=True)
    occupation = models.CharField(_("occupation"), max_length=20, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=LoanPurpose.choices)
    eligible = models.PositiveIntegerField(_("eligible"))
    undecided = models.PositiveIntegerField(_("need more information"))
    ineligible = models.PositiveIntegerField(_("not available"))
    channel = models.CharField(_("acquisition channel"), max_length=50, blank=True, db_index=True)

    class Meta:
        verbose_name = _("match log")
        verbose_name_plural = _("match logs")
        indexes = [models.Index(fields=["channel", "created_at"], name="matchlog_channel_day")]

    def __str__(self) -> str:
        return f"match {self.pk}"


@dataclass(frozen=True)
class Terms:
    """A loan's terms in brief (what a dashboard card or an email shows)."""

    amount: Decimal
    term_months: int
    apr: Decimal
    first_payment: Decimal
    total_repayment: Decimal
    payment_summary: pricing.PaymentSummary


class Application(models.Model):
    """A borrower's application to one lender's product, forwarded with their consent.

    Only ``services`` change ``status``, through the table in ``states.py``.
    """

    Status = ApplicationStatus

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="loan_applications",
        verbose_name=_("borrower"),
    )
    product = models.ForeignKey(
        LoanProduct, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    lender = models.ForeignKey(
        Lender, on_delete=models.PROTECT, related_name="applications", verbose_name=_("lender")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=LoanPurpose.choices)
    # The cost disclosed and agreed to, from the pricing engine, and the price it came from
    # (``pricing.QuotedPrice`` fields, as strings), so that a later repricing changes neither.
    applied_price = models.JSONField(editable=False)
    apr = models.DecimalField(_("APR (%)"), max_digits=9, decimal_places=2)
    first_payment = models.DecimalField(_("first payment"), **MONEY)
    total_repayment = models.DecimalField(_("total repayment"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    # The language the borrower applied in: their emails about it are written in it.
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # Exactly the profile fields shared with the lender (JSON), encrypted like the profile.
    shared_data = EncryptedTextField(editable=False)
    lender_reference = models.CharField(_("lender's reference"), max_length=100, blank=True)
    in_portal_inbox = models.BooleanField(_("waiting in the partner portal"), default=False)
    decision_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    decision_apr = models.DecimalField(
        _("approved APR (%)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    decision_term_months = models.PositiveSmallIntegerField(
        _("approved term (months)"), null=True, blank=True
    )
    # The approved terms as our engine prices them (``services.offers.check_approval``): the
    # price (``pricing.QuotedPrice`` fields, as strings) and its figures, fixed at approval.
    decision_price = models.JSONField(null=True, blank=True, editable=False)
    decision_first_payment = models.DecimalField(
        _("first payment at the approved terms"), **MONEY, null=True, blank=True
    )
    decision_total_repayment = models.DecimalField(
        _("total repayment at the approved terms"), **MONEY, null=True, blank=True
    )
    decision_reason = models.TextField(_("lender's reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["borrower", "-submitted_at"], name="application_borrower"),
            models.Index(fields=["lender", "status"], name="application_lender_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["borrower", "product"],
                condition=~Q(status__in=states.FINAL),
                name="one_open_application_per_product",
                violation_error_message=_("You already have an open application for this loan."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, term_months__gte=1), name="application_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.id])

    @property
    def payment_summary(self) -> pricing.PaymentSummary:
        """The shape of the payments applied for, priced by the one engine at the price
        applied for."""
        return pricing.quote(
            pricing.price_from_dict(self.applied_price),
            amount=self.amount,
            term_months=self.term_months,
        ).payment_summary

    @property
    def is_final(self) -> bool:
        return self.status in states.FINAL

    @property
    def applied_terms(self) -> Terms:
        return Terms(
            amount=self.amount,
            term_months=self.term_months,
            apr=self.apr,
            first_payment=self.first_payment,
            total_repayment=self.total_repayment,
            payment_summary=self.payment_summary,
        )

    @property
    def decided_terms(self) -> Terms | None:
        """What the lender approved, priced by our engine; ``None`` before an approval."""
        if self.decision_price is None:
            return None
        return Terms(
            amount=self.decision_amount,
            term_months=self.decision_term_months,
            apr=self.decision_apr,
            first_payment=self.decision_first_payment,
            total_repayment=self.decision_total_repayment,
            payment_summary=pricing.quote(
                self.decided_price,
                amount=self.decision_amount,
                term_months=self.decision_term_months,
            ).payment_summary,
        )

    @property
    def terms(self) -> Terms:
        """The terms that hold now: the decided ones once there are any."""
        return self.decided_terms or self.applied_terms

    @property
    def terms_changed(self) -> bool:
        """The lender approved other terms than those applied for: another amount, term or
        APR, or other payments at the same ones (the product's repayment method or fees
        changed since the borrower applied)."""
        decided = self.decided_terms
        return decided is not None and decided != self.applied_terms

    @property
    def awaits_acceptance(self) -> bool:
        """Approved at changed terms that the borrower has not yet accepted."""
        return self.status == ApplicationStatus.APPROVED and self.terms_changed

    @property
    def decided_price(self) -> pricing.QuotedPrice | None:
        if self.decision_price is None:
            return None
        return pricing.price_from_dict(self.decision_price)


class ApplicationEvent(models.Model):
    """Every change of an application's status: the borrower's timeline."""

    class Actor(models.TextChoices):
        BORROWER = "borrower", _("You")
        PLATFORM = "platform", _("LoanMarket")
        LENDER = "lender", _("The lender")
        STAFF = "staff", _("LoanMarket staff")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )
    actor = models.CharField(_("by"), max_length=10, choices=Actor.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    detail = models.TextField(_("detail"), blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    # Who made the change, where a person did on our site (a lender's member in the portal);
    # empty for callbacks, the platform's own steps and the borrower (the application's).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_label} → {self.to_label}".strip()

    @property
    def from_label(self) -> str:
        return ApplicationStatus(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return ApplicationStatus(self.to_status).label


class Consent(models.Model):
    """The borrower's consent to send named profile fields to one lender (PIPL)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="consent", verbose_name=_("application")
    )
    text_version = models.CharField(_("consent text version"), max_length=20)
    # The lender's credit-inquiry authorisation (征信查询授权) agreed to with it, by version
    # (``loanmarket.legal``); empty on consents given before it was asked.
    credit_inquiry_version = models.CharField(
        _("credit-inquiry authorisation version"), max_length=20, blank=True, default=""
    )
    lender_name = models.CharField(_("lender"), max_length=120)
    fields = models.JSONField(_("fields shared"))
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("client address"), null=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"consent {self.pk}"


class Delivery(models.Model):
    """One outgoing message to a lender. Its state lives here, not in Celery: a task only
    says "look at delivery N", and claiming it is one conditional UPDATE."""

    class Kind(models.TextChoices):
        FORWARD = "forward", _("Application")
        WITHDRAWAL = "withdrawal", _("Withdrawal notice")
        ACCEPTANCE = "acceptance", _("Notice that the borrower accepted changed terms")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Retries last an hour from here.
    retrying_since = models.DateTimeField(_("retrying since"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="log", verbose_name=_("delivery")
    )
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error[:30]}"
