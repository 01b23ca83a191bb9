"""What a lender may see: the one place object-level authorization lives, for the partner
API and the portal alike. Another lender's object is not found, never shown."""

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, BorrowerProfile
from lenders.models import Lender, LoanProduct
from lenders.templatetags.money import cny
from loanmarket.crypto import UndecryptableValue

from .exceptions import NotFound

# Amount bands of the inbox's filter: (code, label, lowest, highest or None).
AMOUNT_BANDS: tuple[tuple[str, str, Decimal, Decimal | None], ...] = (
    ("under-10k", gettext_lazy("Under ¥10,000"), Decimal("0"), Decimal("9999.99")),
    ("10k-50k", gettext_lazy("¥10,000 to ¥50,000"), Decimal("10000"), Decimal("50000")),
    ("50k-200k", gettext_lazy("¥50,000 to ¥200,000"), Decimal("50000.01"), Decimal("200000")),
    ("over-200k", gettext_lazy("Over ¥200,000"), Decimal("200000.01"), None),
)


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is narrowed to; every field optional."""

    status: str = ""
    product: LoanProduct | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    channel: str = ""
    amount_band: str = ""
    application_id: uuid.UUID | None = None


def lender_applications(
    *, lender: Lender, filters: InboxFilters | None = None
) -> QuerySet[Application]:
    """The applications sent to this lender, newest first, narrowed by ``filters``; each
    carries the borrower's acquisition ``channel``. The shared snapshot (personal data) is
    read only when asked for (``shared_fields``, ``lender_export_rows``)."""
    applications = (
        Application.objects.filter(lender=lender)
        .select_related("product")
        .defer("shared_data")
        .annotate(channel=F("borrower__borrower_profile__channel"))
        .order_by("-submitted_at")
    )
    if filters is None:
        return applications
    if filters.status:
        applications = applications.filter(status=filters.status)
    if filters.product is not None:
        applications = applications.filter(product=filters.product)
    if filters.date_from is not None:
        applications = applications.filter(submitted_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        end = _start_of(filters.date_to + datetime.timedelta(days=1))
        applications = applications.filter(submitted_at__lt=end)
    if filters.channel:
        applications = applications.filter(borrower__borrower_profile__channel=filters.channel)
    for code, _label, low, high in AMOUNT_BANDS:
        if filters.amount_band == code:
            applications = applications.filter(amount__gte=low)
            if high is not None:
                applications = applications.filter(amount__lte=high)
    if filters.application_id is not None:
        applications = applications.filter(pk=filters.application_id)
    return applications


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def lender_application(*, lender: Lender, application_id: uuid.UUID) -> Application:
    """One of the lender's applications; ``NotFound`` if it is not theirs or does not exist."""
    application = lender_applications(lender=lender).filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("No such application of yours."))
    return application


def lender_application_detail(*, lender: Lender, application_id: uuid.UUID) -> Application:
    """``lender_application`` with its consent and timeline, for the portal's detail page."""
    application = (
        lender_applications(lender=lender)
        .select_related("consent")
        .prefetch_related("events")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(_("No such application of yours."))
    return application


def lender_products(*, lender: Lender) -> QuerySet[LoanProduct]:
    """The lender's products, for the inbox's product filter."""
    return LoanProduct.objects.filter(lender=lender).order_by("name")


@dataclass(frozen=True)
class SharedField:
    name: str
    label: str
    value: str


def shared_fields(application: Application) -> list[SharedField] | None:
    """The personal fields the borrower consented to share with this lender, from the
    application's snapshot, in the consent's order, each with its label and shown value;
    ``None`` if the snapshot cannot be decrypted just now."""
    try:
        snapshot = json.loads(application.shared_data)  # deferred: read (and decrypted) here
    except UndecryptableValue:
        return None
    consented = getattr(application, "consent", None)
    names = consented.fields if consented is not None else []
    return [
        SharedField(name, field_label(name), _shown(name, snapshot.get(name)))
        for name in names
        if name in snapshot
    ]


def lender_export_rows(*, lender: Lender, filters: InboxFilters) -> QuerySet[Application]:
    """``lender_applications`` with their consents and snapshots, for the CSV export."""
    return lender_applications(lender=lender, filters=filters).select_related("consent").defer(None)


def field_label(name: str) -> str:
    return capfirst(BorrowerProfile._meta.get_field(name).verbose_name)


def _shown(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    field = BorrowerProfile._meta.get_field(name)
    if isinstance(field, DecimalField):
        return cny(Decimal(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
