"""Every write to lenders and products, so that derived prices and caches stay true."""

import datetime
import uuid
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import caps, pricing, signing, states
from .exceptions import (
    AprAboveCap,
    InvalidCap,
    LenderOffboarded,
    ProductAtCap,
    StatusNotEditable,
)
from .models import (
    ApplicationIntake,
    EligibilityRules,
    Lender,
    LenderEvent,
    LoanProduct,
    ProductEvent,
    ProductTermApr,
    StatusEvent,
)
from .selectors import CAPS_VERSION_KEY, CATALOGUE_VERSION_KEY
from .validators import check_api_base_url


def invalidate_catalogue() -> None:
    """Make every cached catalogue and product fragment stale (after the write commits)."""
    transaction.on_commit(
        lambda: cache.set(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, None), robust=True
    )


def invalidate_caps() -> None:
    """Make the cached set of products at their cap stale (after the write commits)."""
    transaction.on_commit(lambda: cache.set(CAPS_VERSION_KEY, uuid.uuid4().hex, None), robust=True)


PAYMENT_PER_YUAN_PLACES = Decimal("1E-10")


def payment_per_yuan(schedule: pricing.Schedule) -> Decimal:
    """The schedule's largest installment per yuan lent, rounded up: an amount times this is
    (to the cent or so) the most it asks in any one month, for affordability checks."""
    largest = max(installment.payment for installment in schedule.installments)
    return (largest / schedule.amount).quantize(PAYMENT_PER_YUAN_PLACES, rounding=ROUND_CEILING)


def term_prices(product: LoanProduct) -> dict[int, tuple[Decimal, Decimal]]:
    """(APR, largest installment per yuan) of every allowed term.

    The APR is the highest over the amount range's two ends: it does not depend on the
    amount except through cent rounding, so the two ends bound it; pages rank by it and
    price each request afresh. Installments grow in proportion to the amount, but for that
    rounding, so their largest per yuan is taken at the maximum amount, where the rounding
    weighs least: matching multiplies any amount by it to check affordability.
    """
    price = product.quoted_price
    start = timezone.localdate()
    prices = {}
    for term in range(product.min_term_months, product.max_term_months + 1):
        schedules = {
            amount: pricing.build_schedule(price, amount=amount, term_months=term, start=start)
            for amount in {product.min_amount, product.max_amount}
        }
        apr = max(schedule.apr for schedule in schedules.values())
        prices[term] = (apr, payment_per_yuan(schedules[product.max_amount]))
    return prices


def term_aprs(product: LoanProduct) -> dict[int, Decimal]:
    """The APR of every allowed term: the highest over the amount range's two ends."""
    return {term: apr for term, (apr, _payment) in term_prices(product).items()}


def _term_rows(product: LoanProduct, prices: dict[int, tuple[Decimal, Decimal]]) -> list:
    return [
        ProductTermApr(product=product, term_months=term, apr=apr, max_payment_per_yuan=payment)
        for term, (apr, payment) in prices.items()
    ]


def _check_cap(product: LoanProduct) -> None:
    cap = settings.PLATFORM_MAX_APR
    if product.apr_max is not None and product.apr_max > cap:
        raise AprAboveCap(product_name=product.name, apr=product.apr_max, cap=cap)


def check_price_within_cap(*, product: LoanProduct) -> None:
    """Raise ``AprAboveCap`` when this (unsaved) price would exceed the cap anywhere."""
    cap = settings.PLATFORM_MAX_APR
    highest = max(term_aprs(product).values())
    if highest > cap:
        raise AprAboveCap(product_name=product.name, apr=highest, cap=cap)


# What ``save_product`` and ``save_lender`` never write, but read back: a status changes only
# by a transition, a secret only by a rotation and caps only by ``set_product_caps`` (so
# that a stale copy cannot undo any of them).
PRODUCT_GUARDED = ("status", "published_at", "daily_cap", "monthly_cap")
LENDER_GUARDED = ("status", "webhook_secret", "previous_webhook_secret", "secret_rotated_at")


def _save(instance: Lender | LoanProduct, *, initial: str, guarded: tuple[str, ...]) -> None:
    """Insert a new row at its initial status, or update every field but the guarded ones."""
    if instance._state.adding:
        if instance.status != initial:
            raise StatusNotEditable(initial=type(instance).Status(initial).label)
        instance.save()
        return
    skipped = {"id", "created_at", *guarded}
    instance.save(
        update_fields=[f.name for f in instance._meta.concrete_fields if f.name not in skipped]
    )


@transaction.atomic
def save_product(*, product: LoanProduct) -> LoanProduct:
    """Create (as a draft) or update a product and reprice its whole range.

    A published product whose new price breaks the platform's APR cap is refused. Its status
    is left as it is: ``transition_product`` changes it.
    """
    if not product._state.adding:
        product.refresh_from_db(fields=PRODUCT_GUARDED)
    prices = term_prices(product)
    aprs = [apr for apr, _payment in prices.values()]
    product.apr_min, product.apr_max = min(aprs), max(aprs)
    if product.status == LoanProduct.Status.PUBLISHED:
        _check_cap(product)
    _save(product, initial=LoanProduct.Status.DRAFT, guarded=PRODUCT_GUARDED)
    ProductTermApr.objects.filter(product=product).delete()
    ProductTermApr.objects.bulk_create(_term_rows(product, prices))
    invalidate_catalogue()
    return product


@transaction.atomic
def set_product_caps(
    *, product: LoanProduct, daily_cap: int | None, monthly_cap: int | None
) -> LoanProduct:
    """The most applications the product accepts a day and a calendar month (Beijing time);
    ``None`` is no cap. A cap of 0 or below is refused (``InvalidCap``): pausing the product
    is how a lender stops applications. Takes effect at once, for places already taken too:
    a cap lowered below this period's count closes the product until the next period."""
    if any(cap is not None and cap < 1 for cap in (daily_cap, monthly_cap)):
        raise InvalidCap
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    product.daily_cap, product.monthly_cap = daily_cap, monthly_cap
    product.save(update_fields=["daily_cap", "monthly_cap", "updated_at"])
    invalidate_caps()
    return product


@transaction.atomic
def claim_application_place(*, product: LoanProduct, now: datetime.datetime | None = None) -> None:
    """Take one of the product's places for today and for this month (Beijing time), in the
    caller's transaction, or raise ``ProductAtCap`` (taking none).

    Each count is one conditional UPDATE (``taken = taken + 1 WHERE taken < cap``): a
    concurrent application waits for the other's row lock and then re-reads the count, so
    two can never take the last place. When the caller's transaction rolls back, so does the
    place. ``product`` carries the caps as just read; the count is never decremented.
    """
    starts = caps.period_starts(now=now)
    # The month first: when both are full, the borrower is told the later day.
    for period, cap in ((caps.MONTH, product.monthly_cap), (caps.DAY, product.daily_cap)):
        if cap is None:
            continue
        row = {"product_id": product.pk, "period": period, "starts_on": starts[period]}
        ApplicationIntake.objects.bulk_create([ApplicationIntake(**row)], ignore_conflicts=True)
        intake = ApplicationIntake.objects.filter(**row)
        if not intake.filter(taken__lt=cap).update(taken=F("taken") + 1):
            raise ProductAtCap(reopens_on=caps.reopens_on(period=period, starts_on=starts[period]))
        if intake.filter(taken__gte=cap).exists():
            invalidate_caps()  # that was the last place: borrowers are told from now on


@transaction.atomic
def import_products(
    *, products: list[LoanProduct], publish: bool, actor: str = StatusEvent.Actor.PLATFORM
) -> list[LoanProduct]:
    """Create many new products at once, each priced; with ``publish``, each goes through
    review: those under the cap are published and the rest are left pending review (every
    step is an event, as one by one)."""
    P = LoanProduct.Status
    rows = []
    for product in products:
        if product.status != P.DRAFT:
            raise StatusNotEditable(initial=P.DRAFT.label)
        prices = term_prices(product)
        aprs = [apr for apr, _payment in prices.values()]
        product.apr_min, product.apr_max = min(aprs), max(aprs)
        rows.append(prices)
    LoanProduct.objects.bulk_create(products)
    ProductTermApr.objects.bulk_create(
        row
        for product, prices in zip(products, rows, strict=True)
        for row in _term_rows(product, prices)
    )
    if publish:
        now = timezone.now()
        events = []
        for product in products:
            steps = [P.PENDING_REVIEW]
            if product.apr_max <= settings.PLATFORM_MAX_APR:
                steps.append(P.PUBLISHED)
                product.published_at = now
            for to in steps:
                states.check_product_transition(product.status, to, reason="")
                events.append(_event(ProductEvent, product, to=to, actor=actor, at=now))
                product.status = to
        ProductEvent.objects.bulk_create(events)
        for status in (P.PENDING_REVIEW, P.PUBLISHED):
            LoanProduct.objects.filter(
                pk__in=[p.pk for p in products if p.status == status]
            ).update(
                status=status, published_at=now if status == P.PUBLISHED else None, updated_at=now
            )
    invalidate_catalogue()
    return products


def _event(
    model: type[StatusEvent],
    instance: Lender | LoanProduct,
    *,
    to: str,
    actor: str,
    user: AbstractBaseUser | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> StatusEvent:
    """An unsaved event of ``instance`` leaving its current status for ``to``."""
    subject = "lender" if model is LenderEvent else "product"
    return model(
        **{subject: instance},
        actor=actor,
        user=user,
        from_status=instance.status,
        to_status=to,
        reason=reason,
        occurred_at=at or timezone.now(),
    )


@transaction.atomic
def transition_product(
    *,
    product: LoanProduct,
    to: str,
    actor: str,
    user: AbstractBaseUser | None = None,
    reason: str = "",
) -> LoanProduct:
    """The one place a product's status changes: checked against ``states``, recorded as a
    ``ProductEvent``. Publishing checks the APR cap across the whole range; a product of an
    offboarded lender is never reviewed or published again. Catalogue pages change after
    commit."""
    reason = reason.strip()
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    states.check_product_transition(product.status, to, reason=reason)
    if to in {LoanProduct.Status.PENDING_REVIEW, LoanProduct.Status.PUBLISHED}:
        lender_status = Lender.objects.values_list("status", flat=True).get(pk=product.lender_id)
        if lender_status == Lender.Status.OFFBOARDED:
            raise LenderOffboarded(product_name=product.name)
    changed = ["status", "updated_at"]
    if to == LoanProduct.Status.PUBLISHED:
        _check_cap(product)
        product.published_at = timezone.now()
        changed.append("published_at")
    _event(ProductEvent, product, to=to, actor=actor, user=user, reason=reason).save()
    product.status = to
    product.save(update_fields=changed)
    invalidate_catalogue()
    return product


def _already(product: LoanProduct, status: str) -> bool:
    """Whether the product is (locked, and read afresh) already at ``status``."""
    locked = LoanProduct.objects.select_for_update().get(pk=product.pk)
    product.status = locked.status
    return locked.status == status


@transaction.atomic
def publish_product(
    *, product: LoanProduct, actor: str, user: AbstractBaseUser | None = None
) -> LoanProduct:
    """Show a reviewed (or paused) product to borrowers, unless its APR anywhere in its range
    is above the cap. Publishing a published product changes nothing."""
    if _already(product, LoanProduct.Status.PUBLISHED):
        return product
    return transition_product(
        product=product, to=LoanProduct.Status.PUBLISHED, actor=actor, user=user
    )


@transaction.atomic
def pause_product(
    *, product: LoanProduct, actor: str, user: AbstractBaseUser | None = None, reason: str = ""
) -> LoanProduct:
    """Take a published product off the site; it can be published again later. Pausing a
    paused product changes nothing."""
    if _already(product, LoanProduct.Status.PAUSED):
        return product
    return transition_product(
        product=product, to=LoanProduct.Status.PAUSED, actor=actor, user=user, reason=reason
    )


@transaction.atomic
def save_rules(*, rules: EligibilityRules) -> EligibilityRules:
    """Who a product lends to; matching sees the change at once."""
    rules.save()
    invalidate_catalogue()
    return rules


SECRET_OVERLAP = datetime.timedelta(hours=24)


@transaction.atomic
def rotate_webhook_secret(*, lender: Lender) -> str:
    """A new signing secret for the lender, returned once (only its ciphertext is kept).
    The previous one still verifies for 24 hours, so the lender can switch over."""
    lender = Lender.objects.select_for_update().get(pk=lender.pk)
    secret = signing.new_secret()
    lender.previous_webhook_secret = lender.webhook_secret
    lender.webhook_secret = secret
    lender.secret_rotated_at = timezone.now()
    lender.save(update_fields=["webhook_secret", "previous_webhook_secret", "secret_rotated_at"])
    return secret


def verification_secrets(lender: Lender) -> list[str]:
    """The secrets a message from this lender may be signed with, newest first."""
    found = [lender.webhook_secret] if lender.webhook_secret else []
    recent = lender.secret_rotated_at and timezone.now() - lender.secret_rotated_at < SECRET_OVERLAP
    if lender.previous_webhook_secret and recent:
        found.append(lender.previous_webhook_secret)
    return found


@transaction.atomic
def save_lender(*, lender: Lender) -> Lender:
    """Create (as applied) or update a lender, whose API address must be https:// (see
    ``validators``). Its status and secrets are left as they are: ``transition_lender`` and
    ``rotate_webhook_secret`` change them."""
    check_api_base_url(lender.api_base_url)
    if not lender._state.adding:
        lender.refresh_from_db(fields=LENDER_GUARDED)
    _save(lender, initial=Lender.Status.APPLIED, guarded=LENDER_GUARDED)
    invalidate_catalogue()
    return lender


@transaction.atomic
def transition_lender(
    *,
    lender: Lender,
    to: str,
    actor: str,
    user: AbstractBaseUser | None = None,
    reason: str = "",
) -> Lender:
    """The one place a lender's status changes: checked against ``states``, recorded as a
    ``LenderEvent``. Offboarding pauses its published products, each with its own event.
    Catalogue pages change after commit."""
    reason = reason.strip()
    lender = Lender.objects.select_for_update().get(pk=lender.pk)
    states.check_lender_transition(lender.status, to, reason=reason)
    _event(LenderEvent, lender, to=to, actor=actor, user=user, reason=reason).save()
    lender.status = to
    lender.save(update_fields=["status", "updated_at"])
    if to == Lender.Status.OFFBOARDED:
        because = _("Its lender was offboarded: %(reason)s") % {"reason": reason}
        for product in lender.products.filter(status=LoanProduct.Status.PUBLISHED):
            transition_product(
                product=product,
                to=LoanProduct.Status.PAUSED,
                actor=actor,
                user=user,
                reason=because,
            )
    invalidate_catalogue()
    return lender
