from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from lenders.models import Lender


class InboundMessage(models.Model):
    """A signed message a lender sent us, by its ``webhook-id``, with the answer it got.

    Only real outcomes are kept (2xx and 409): the same id with the same path and body is
    answered as the first time was and changes nothing; with another path or body it is a
    409. A refusal that changed nothing (400, 404, 422) is not kept, so a captured id sent
    somewhere else first cannot spoil the genuine message.
    """

    lender = models.ForeignKey(Lender, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=120)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lender", "message_id"], name="inbound_message_once")
        ]

    def __str__(self) -> str:
        return self.message_id


class LenderMembership(models.Model):
    """A user working for a lender in the partner portal, with a role.

    A user belongs to at most one lender (the field is one-to-one: a second lender would make
    "whose applications" ambiguous on every page). Owners and managers must use TOTP
    (``loanmarket.mfa.requires_mfa``). Viewers only read; managers also decide; owners may do
    everything a manager may, and later manage the team and the integration.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        VIEWER = "viewer", _("Viewer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lender_membership",
        verbose_name=_("account"),
        help_text=_("An account belongs to at most one lender."),
    )
    lender = models.ForeignKey(
        Lender, on_delete=models.PROTECT, related_name="members", verbose_name=_("lender")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lender membership")
        verbose_name_plural = _("lender memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["owner", "manager", "viewer"]),
                name="membership_role_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lender} · {self.role}"

    @property
    def requires_mfa(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.MANAGER)

    @property
    def may_decide(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.MANAGER)


class PersonalDataAccess(models.Model):
    """A lender member saw or exported borrowers' personal data: who, when, what, from where.

    Written by ``services.record_personal_data_access`` and never changed: the admin shows
    these to platform staff read-only, with no delete.
    """

    class Kind(models.TextChoices):
        DETAIL = "detail", _("Viewed an application")
        EXPORT = "export", _("Exported applications (CSV)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    lender = models.ForeignKey(
        Lender, on_delete=models.PROTECT, related_name="+", verbose_name=_("lender")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    detail = models.TextField(_("detail"), blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True)
    accessed_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class DeclineReason(models.TextChoices):
    """Why a lender declined, from a fixed list (the code is the event's reason)."""

    CREDIT_HISTORY = "credit_history", _("Credit history")
    INCOME = "income", _("Income too low or not verifiable")
    DEBT_BURDEN = "debt_burden", _("Existing debt too high")
    IDENTITY = "identity", _("Identity could not be verified")
    OUTSIDE_CRITERIA = "outside_criteria", _("Outside our lending criteria")
    INCOMPLETE = "incomplete", _("Information incomplete")
    OTHER = "other", _("Other")
