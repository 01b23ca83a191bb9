"""Applying: consent for one lender, the shared snapshot, and every status change."""

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lenders import pricing
from lenders import services as lender_services
from lenders.choices import Occupation
from lenders.exceptions import ProductAtCap
from lenders.models import LoanProduct
from lenders.selectors import LENDER_SECRETS
from loanmarket import legal
from loanmarket.queue import enqueue_on_commit

from .. import disclosure, matching, states
from ..exceptions import ApplicationError, EventTimeOutOfRange, OfferNotAccepted
from ..models import Application, ApplicationEvent, BorrowerProfile, Consent, Delivery
from ..selectors import borrower_from_profile, matchable_products
from ..tasks import notify_decision as notify_decision_task
from ..tasks import notify_lender_inbox as notify_lender_inbox_task
from .forwarding import create_delivery
from .offers import check_approval
from .transitions import transition

S = Application.Status
CONSENT_TEXT_VERSION = "2026-11"
CLOCK_SLACK = datetime.timedelta(seconds=300)  # a lender's clock, as much as a signature's
IDENTITY_FIELDS = ("full_name", "mobile", "national_id", "date_of_birth")
WORK_FIELDS = ("city", "occupation", "employer", "position", "months_in_job")
MONEY_FIELDS = (
    "monthly_income",
    "has_social_insurance",
    "has_housing_fund",
    "has_credit_card",
    "monthly_debt_payments",
)
BUSINESS_FIELDS = ("monthly_business_revenue", "years_trading")
# What each profile step needs to be complete (the rest may stay empty, e.g. no employer).
REQUIRED = {
    "identity": IDENTITY_FIELDS,
    "work": ("city", "occupation"),
    "money": ("monthly_income", "has_social_insurance", "monthly_debt_payments"),
    "business": BUSINESS_FIELDS,
}


class ProfileIncomplete(ApplicationError):
    code = "profile_incomplete"

    def __init__(self) -> None:
        super().__init__(_("Please finish your profile first."))


class ConsentMismatch(ApplicationError):
    """What the borrower consented to is not what holds now; ``changes`` say what, in words."""

    code = "consent_mismatch"

    def __init__(self, changes: list[str]) -> None:
        super().__init__(
            _(
                "What we would send, or what the loan costs, has changed since you looked. "
                "Please review it again."
            )
        )
        self.changes = changes


class NotEligible(ApplicationError):
    code = "not_eligible"


class NotTakingApplications(ApplicationError):
    """The product is at its daily or monthly cap; ``reopens_on`` is when it takes more."""

    code = "product_at_cap"

    def __init__(self, *, reopens_on: datetime.date, message: str) -> None:
        super().__init__(message)
        self.reopens_on = reopens_on


def steps_for(profile: BorrowerProfile) -> list[str]:
    """The profile steps this borrower has to complete (business owners have four)."""
    if profile.occupation == Occupation.BUSINESS_OWNER:
        return list(REQUIRED)
    return [step for step in REQUIRED if step != "business"]


def incomplete_steps(profile: BorrowerProfile) -> list[str]:
    return [
        step
        for step in steps_for(profile)
        if any(getattr(profile, name) in (None, "") for name in REQUIRED[step])
    ]


def fields_to_share(profile: BorrowerProfile) -> list[str]:
    """Exactly the profile fields a lender receives with an application."""
    fields = [*IDENTITY_FIELDS, *WORK_FIELDS, *MONEY_FIELDS]
    if profile.occupation == Occupation.BUSINESS_OWNER:
        fields += BUSINESS_FIELDS
    return fields


def disclose(
    *,
    profile: BorrowerProfile,
    product: LoanProduct,
    amount: Decimal,
    term_months: int,
    start: datetime.date | None = None,
) -> disclosure.Disclosure:
    """Everything the review page shows for this request now, from the current profile
    and price; ``.signed()`` is what the page carries and consent is checked against."""
    schedule = pricing.build_schedule(
        product.quoted_price,
        amount=amount,
        term_months=term_months,
        start=start or timezone.localdate(),
    )
    return disclosure.build(
        profile=profile,
        product=product,
        schedule=schedule,
        fields=fields_to_share(profile),
        consent_version=CONSENT_TEXT_VERSION,
        credit_inquiry_version=legal.CREDIT_INQUIRY_VERSION,
    )


def check_consent(*, consent: str, current: disclosure.Disclosure) -> None:
    """Raises ``ConsentMismatch`` unless ``consent`` is the signed disclosure of exactly
    what holds now (altered or missing: a mismatch too)."""
    shown = disclosure.unsign(consent)
    if shown != current.payload:
        raise ConsentMismatch(disclosure.changes(shown, current))


def _language() -> str:
    """The language the borrower is applying in (the request's), one of the site's."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _snapshot(profile: BorrowerProfile, fields: list[str]) -> str:
    values = {}
    for name in fields:
        value = getattr(profile, name)
        values[name] = str(value) if isinstance(value, Decimal) else value
    values["date_of_birth"] = profile.date_of_birth.isoformat()
    return json.dumps(values, ensure_ascii=False)


@transaction.atomic
def submit_application(
    *,
    borrower,
    product: LoanProduct,
    amount: Decimal,
    term_months: int,
    purpose: str,
    consent: str,
    ip_address: str | None,
    now: datetime.datetime | None = None,
) -> Application:
    """Apply to one product with the borrower's consent for that lender alone: ``consent``
    is the signed disclosure the review page showed (``disclose(...).signed()``), checked
    here against the current profile and price with the profile locked.

    Submitting twice (double click, two tabs) returns the open application already there.
    The application and its outgoing delivery are written together; the delivery task is
    queued after commit, and the beat sweeper picks it up if that message is ever lost.

    A product at its daily or monthly cap refuses it (``NotTakingApplications``); the place
    is taken in the same savepoint as the application's row, so it is given back when that
    write fails. ``now`` (default: now) decides the day and month counted, in Beijing time.
    """
    open_one = (
        Application.objects.filter(borrower=borrower, product=product)
        .exclude(status__in=states.FINAL)
        .first()
    )
    if open_one is not None:
        return open_one
    profile = BorrowerProfile.objects.select_for_update().get(user=borrower)
    fields = fields_to_share(profile)
    if incomplete_steps(profile):
        raise ProfileIncomplete
    product = (  # its price now; never the lender's secrets
        LoanProduct.objects.select_related("lender").defer(*LENDER_SECRETS).get(pk=product.pk)
    )
    check_consent(
        consent=consent,
        current=disclose(profile=profile, product=product, amount=amount, term_months=term_months),
    )
    facts = [p for p in matchable_products().products if p.id == product.pk]
    if not facts:
        raise NotEligible(_("This loan is not available any more."))
    request = matching.LoanRequest(amount=amount, term_months=term_months, purpose=purpose)
    (offer,) = matching.match(
        request, borrower_from_profile(profile, today=timezone.localdate()), facts
    ).offers
    if not offer.eligible:
        raise NotEligible(" ".join(offer.reasons + offer.missing))
    if (offer.amount, offer.term_months) != (amount, term_months):
        raise NotEligible(" ".join(offer.notes))
    quote = pricing.quote(product.quoted_price, amount=amount, term_months=term_months)
    try:
        with transaction.atomic():
            lender_services.claim_application_place(product=product, now=now)
            application = Application.objects.create(
                borrower=borrower,
                product=product,
                lender=product.lender,
                amount=quote.amount,
                term_months=term_months,
                purpose=purpose,
                apr=quote.apr,
                applied_price=pricing.price_as_dict(product.quoted_price),
                language=_language(),
                first_payment=quote.first_payment,
                total_repayment=quote.total_repayment,
                shared_data=_snapshot(profile, fields),
            )
    except ProductAtCap as exc:
        raise NotTakingApplications(reopens_on=exc.reopens_on, message=exc.message) from None
    except IntegrityError:  # the other tab won the race: one open application only
        return (
            Application.objects.filter(borrower=borrower, product=product)
            .exclude(status__in=states.FINAL)
            .get()
        )
    Consent.objects.create(
        application=application,
        text_version=CONSENT_TEXT_VERSION,
        credit_inquiry_version=legal.CREDIT_INQUIRY_VERSION,
        lender_name=product.lender.name,
        fields=fields,
        ip_address=ip_address,
    )
    ApplicationEvent.objects.create(
        application=application, actor=ApplicationEvent.Actor.BORROWER, to_status=S.SUBMITTED
    )
    if product.lender.api_base_url:
        transition(application=application, to=S.FORWARDING, actor=ApplicationEvent.Actor.PLATFORM)
        create_delivery(application=application, kind=Delivery.Kind.FORWARD)
    else:
        # A lender without an API takes applications in the partner portal's inbox.
        transition(
            application=application,
            to=S.FORWARDING,
            actor=ApplicationEvent.Actor.PLATFORM,
            changes={"in_portal_inbox": True},
        )
        transition(
            application=application,
            to=S.FORWARDED,
            actor=ApplicationEvent.Actor.PLATFORM,
            detail=_("Waiting in the lender's partner portal."),
        )
        enqueue_on_commit(notify_lender_inbox_task, str(application.pk))
    return application


@transaction.atomic
def withdraw_application(*, borrower, application: Application, detail: str = "") -> Application:
    """The borrower withdraws before a decision (or turns an offer down). A lender that
    may already have the application is told by a signed notice."""
    application = Application.objects.select_for_update().get(pk=application.pk, borrower=borrower)
    states.check_transition(application.status, S.WITHDRAWN)
    not_sent = Delivery.objects.filter(
        application=application, kind=Delivery.Kind.FORWARD, state=Delivery.State.PENDING
    ).filter(lease_expires_at__isnull=True, attempts=0)
    cancelled = not_sent.update(
        state=Delivery.State.FAILED, last_error=_("Withdrawn before it was sent.")
    )
    transition(
        application=application,
        to=S.WITHDRAWN,
        actor=ApplicationEvent.Actor.BORROWER,
        detail=detail,
    )
    sent_or_sending = application.deliveries.filter(kind=Delivery.Kind.FORWARD).exclude(
        state=Delivery.State.FAILED
    )
    if not cancelled and application.lender.api_base_url and sent_or_sending.exists():
        create_delivery(application=application, kind=Delivery.Kind.WITHDRAWAL)
    return application


@transaction.atomic
def record_lender_event(
    *,
    application: Application,
    status: str,
    occurred_at: datetime.datetime,
    reason: str = "",
    approved_amount: Decimal | None = None,
    apr: Decimal | None = None,
    term_months: int | None = None,
    user=None,
) -> Application:
    """A lender's status update, by callback or by ``user`` (a member, in the partner
    portal); the borrower is emailed on each decision. It happened
    between the application's submission and now (give or take ``CLOCK_SLACK``).

    An approval lies within the product's published ranges (``offers.check_approval``) and
    is kept as our engine prices it; one at changed terms is disbursed only once the
    borrower has accepted them (``OfferNotAccepted``)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.submitted_at - CLOCK_SLACK <= occurred_at <= timezone.now() + CLOCK_SLACK:
        raise EventTimeOutOfRange
    overtaken = application.status == S.FORWARDING and status in states.LENDER_SETTABLE
    states.check_transition(S.FORWARDED if overtaken else application.status, status)
    changes: dict = {"decision_reason": reason} if reason else {}
    if status == S.APPROVED:
        priced = check_approval(
            product=LoanProduct.objects.get(pk=application.product_id),
            amount=approved_amount,
            term_months=term_months,
            apr=apr,
        )
        changes.update(
            decision_amount=priced.quote.amount,
            decision_apr=apr,
            decision_term_months=term_months,
            decision_price=pricing.price_as_dict(priced.price),
            decision_first_payment=priced.quote.first_payment,
            decision_total_repayment=priced.quote.total_repayment,
        )
    if status == S.DISBURSED and application.awaits_acceptance:
        raise OfferNotAccepted
    if overtaken:
        # The lender has it: its callback overtook our worker's commit of its receipt. Not a
        # 409 (which would be remembered for this message id): the receipt is recorded first.
        transition(
            application=application,
            to=S.FORWARDED,
            actor=ApplicationEvent.Actor.PLATFORM,
            detail=_("The lender reported on it before its receipt reached us."),
            occurred_at=occurred_at,
        )
    transition(
        application=application,
        to=status,
        actor=ApplicationEvent.Actor.LENDER,
        detail=reason,
        occurred_at=occurred_at,
        changes=changes,
        user=user,
    )
    if status in states.DECISIONS:
        enqueue_on_commit(notify_decision_task, str(application.pk))
    return application
