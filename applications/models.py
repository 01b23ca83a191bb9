from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lenders.choices import City, LoanPurpose, Occupation
from lenders.models import MONEY
from loanmarket.crypto import EncryptedTextField


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
