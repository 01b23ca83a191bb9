import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lenders.choices import City, LoanPurpose, Occupation
from lenders.models import MONEY, Lender, LoanProduct
from loanmarket.crypto import EncryptedTextField

from . import states
from .states import ApplicationStatus


class BorrowerProfile(models.Model):
    """Who a borrower is, filled in short steps. Identity fields are encrypted at rest;
    the national ID is found by its blind index, never by its value."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="borrower_profile"
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    logged_in = models.BooleanField()
    age_band = models.CharField(max_length=10, blank=True)
    income_band = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=20, blank=True)
    occupation = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(**MONEY)
    term_months = models.PositiveSmallIntegerField()
    purpose = models.CharField(max_length=20, choices=LoanPurpose.choices)
    eligible = models.PositiveIntegerField()
    undecided = models.PositiveIntegerField()
    ineligible = models.PositiveIntegerField()
    channel = models.CharField(max_length=50, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "created_at"], name="matchlog_channel_day")]

    def __str__(self) -> str:
        return f"match {self.pk}"


class Application(models.Model):
    """A borrower's application to one lender's product, forwarded with their consent.

    Only ``services`` change ``status``, through the table in ``states.py``.
    """

    Status = ApplicationStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loan_applications"
    )
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="+")
    lender = models.ForeignKey(Lender, on_delete=models.PROTECT, related_name="applications")
    amount = models.DecimalField(_("amount"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=LoanPurpose.choices)
    # The cost disclosed and agreed to, from the pricing engine.
    apr = models.DecimalField(_("APR (%)"), max_digits=9, decimal_places=2)
    first_payment = models.DecimalField(_("first payment"), **MONEY)
    total_repayment = models.DecimalField(_("total repayment"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    # Exactly the profile fields shared with the lender (JSON), encrypted like the profile.
    shared_data = EncryptedTextField(editable=False)
    lender_reference = models.CharField(_("lender's reference"), max_length=100, blank=True)
    in_portal_inbox = models.BooleanField(_("waiting in the partner portal"), default=False)
    decision_amount = models.DecimalField(**MONEY, null=True, blank=True)
    decision_apr = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    decision_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    def is_final(self) -> bool:
        return self.status in states.FINAL


class ApplicationEvent(models.Model):
    """Every change of an application's status: the borrower's timeline."""

    class Actor(models.TextChoices):
        BORROWER = "borrower", _("You")
        PLATFORM = "platform", _("LoanMarket")
        LENDER = "lender", _("The lender")
        STAFF = "staff", _("LoanMarket staff")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.CharField(max_length=10, choices=Actor.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    detail = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return ApplicationStatus(self.to_status).label


class Consent(models.Model):
    """The borrower's consent to send named profile fields to one lender (PIPL)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="consent"
    )
    text_version = models.CharField(max_length=20)
    # The lender's credit-inquiry authorisation (征信查询授权) agreed to with it, by version
    # (``loanmarket.legal``); empty on consents given before it was asked.
    credit_inquiry_version = models.CharField(max_length=20, blank=True, default="")
    lender_name = models.CharField(max_length=120)
    fields = models.JSONField()
    given_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True)

    def __str__(self) -> str:
        return f"consent {self.pk}"


class Delivery(models.Model):
    """One outgoing message to a lender. Its state lives here, not in Celery: a task only
    says "look at delivery N", and claiming it is one conditional UPDATE."""

    class Kind(models.TextChoices):
        FORWARD = "forward", _("Application")
        WITHDRAWAL = "withdrawal", _("Withdrawal notice")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="deliveries"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    idempotency_key = models.CharField(max_length=80, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    retrying_since = models.DateTimeField(default=timezone.now)  # retries last an hour from here
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error[:30]}"
