"""The lender and product state machines, read as their tables (``lenders/states.py``)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from lenders import services, states
from lenders.exceptions import LenderOffboarded, StatusNotEditable
from lenders.models import Lender, LoanProduct, ProductEvent, StatusEvent
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

L = Lender.Status
P = LoanProduct.Status
STAFF = StatusEvent.Actor.STAFF
PLATFORM = StatusEvent.Actor.PLATFORM

LENDER_MOVES = [(a, b) for a in L.values for b in L.values if a != b]
PRODUCT_MOVES = [(a, b) for a in P.values for b in P.values if a != b]


@pytest.fixture
def staff_user():
    return get_user_model().objects.create_user("ops@example.test", "ops@example.test", "pw")


# Lenders


@pytest.mark.parametrize(("current", "target"), LENDER_MOVES)
def test_a_lender_moves_exactly_as_the_table_allows(current, target):
    lender = LenderFactory(status=current)
    allowed = target in states.LENDER_ALLOWED[current]

    if allowed:
        services.transition_lender(lender=lender, to=target, actor=STAFF, reason="Checked.")
    else:
        with pytest.raises(states.InvalidLenderTransition):
            services.transition_lender(lender=lender, to=target, actor=STAFF, reason="Checked.")

    lender.refresh_from_db()
    assert lender.status == (target if allowed else current)


def test_offboarded_is_final():
    assert states.LENDER_ALLOWED[L.OFFBOARDED] == set()


def test_a_lender_status_change_records_who_when_from_to_and_why(staff_user):
    lender = LenderFactory()

    services.transition_lender(
        lender=lender, to=L.SUSPENDED, actor=STAFF, user=staff_user, reason="  Licence lapsed. "
    )

    event = lender.events.latest("occurred_at", "pk")
    assert (event.from_status, event.to_status) == (L.ACTIVE, L.SUSPENDED)
    assert (event.actor, event.user) == (STAFF, staff_user)
    assert event.reason == "Licence lapsed."
    assert event.occurred_at is not None


@pytest.mark.parametrize(("current", "target"), sorted(states.LENDER_NEEDS_REASON), ids="-".join)
def test_suspending_offboarding_and_sending_back_need_a_reason(current, target):
    lender = LenderFactory(status=current)
    events = lender.events.count()

    with pytest.raises(states.ReasonRequired):
        services.transition_lender(lender=lender, to=target, actor=STAFF, reason="   ")

    lender.refresh_from_db()
    assert lender.status == current
    assert lender.events.count() == events


def test_the_steps_forward_of_onboarding_need_no_reason():
    lender = LenderFactory(status=L.APPLIED)

    services.transition_lender(lender=lender, to=L.UNDER_REVIEW, actor=STAFF)
    services.transition_lender(lender=lender, to=L.ACTIVE, actor=STAFF)

    assert list(lender.events.values_list("to_status", flat=True)) == [L.UNDER_REVIEW, L.ACTIVE]


def test_suspending_a_lender_hides_its_products_at_once_and_reinstating_shows_them(
    client, django_capture_on_commit_callbacks
):
    product = LoanProductFactory(name="Harbour Cash")
    assert "Harbour Cash" in client.get("/loans/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.transition_lender(
            lender=product.lender, to=L.SUSPENDED, actor=STAFF, reason="Audit."
        )
    hidden = client.get("/loans/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_lender(
            lender=product.lender, to=L.ACTIVE, actor=STAFF, reason="Audit passed."
        )

    assert "Harbour Cash" not in hidden
    assert "Harbour Cash" in client.get("/loans/").content.decode()
    product.refresh_from_db()
    assert product.status == P.PUBLISHED  # suspension leaves products as they were


def test_offboarding_pauses_the_lenders_published_products_each_with_an_event(staff_user):
    lender = LenderFactory()
    published = LoanProductFactory(lender=lender)
    draft = LoanProductFactory(lender=lender, status=P.DRAFT)

    services.transition_lender(
        lender=lender, to=L.OFFBOARDED, actor=STAFF, user=staff_user, reason="Contract ended."
    )

    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == (P.PAUSED, P.DRAFT)
    event = published.events.latest("occurred_at", "pk")
    assert (event.to_status, event.user) == (P.PAUSED, staff_user)
    assert "Contract ended." in event.reason


def test_a_product_of_an_offboarded_lender_is_never_published_again():
    product = LoanProductFactory()
    services.transition_lender(
        lender=product.lender, to=L.OFFBOARDED, actor=STAFF, reason="Contract ended."
    )

    with pytest.raises(LenderOffboarded):
        services.publish_product(product=product, actor=STAFF)


def test_saving_a_lender_never_changes_its_status_or_secret():
    """A copy read before a transition or a rotation cannot undo it by being saved."""
    lender = LenderFactory()
    stale = Lender.objects.get(pk=lender.pk)
    services.transition_lender(lender=lender, to=L.SUSPENDED, actor=STAFF, reason="Audit.")
    secret = services.rotate_webhook_secret(lender=lender)

    stale.description = "Edited"
    services.save_lender(lender=stale)

    lender.refresh_from_db()
    assert (lender.status, lender.webhook_secret, lender.description) == (
        L.SUSPENDED,
        secret,
        "Edited",
    )
    assert stale.status == L.SUSPENDED  # and the copy now says so


def test_a_new_lender_starts_as_applied():
    with pytest.raises(StatusNotEditable):
        services.save_lender(
            lender=Lender(
                name="Shortcut Bank",
                slug="shortcut",
                kind=Lender.Kind.BANK,
                licence_number="X1",
                licence_authority="NFRA",
                status=L.ACTIVE,
            )
        )

    assert not Lender.objects.filter(slug="shortcut").exists()


# Products


@pytest.mark.parametrize(("current", "target"), PRODUCT_MOVES)
def test_a_product_moves_exactly_as_the_table_allows(current, target):
    product = LoanProductFactory(status=current)
    allowed = target in states.PRODUCT_ALLOWED[current]

    if allowed:
        services.transition_product(product=product, to=target, actor=STAFF, reason="Fix fees.")
    else:
        with pytest.raises(states.InvalidProductTransition):
            services.transition_product(product=product, to=target, actor=STAFF, reason="Fix fees.")

    product.refresh_from_db()
    assert product.status == (target if allowed else current)


@pytest.mark.parametrize(("current", "target"), sorted(states.PRODUCT_NEEDS_REASON), ids="-".join)
def test_sending_a_product_back_to_draft_needs_a_reason(current, target):
    product = LoanProductFactory(status=current)

    with pytest.raises(states.ReasonRequired):
        services.transition_product(product=product, to=target, actor=STAFF)

    product.refresh_from_db()
    assert product.status == current


def test_a_product_review_is_recorded_step_by_step(staff_user):
    product = LoanProductFactory(status=P.DRAFT)

    services.transition_product(product=product, to=P.PENDING_REVIEW, actor=PLATFORM)
    services.transition_product(
        product=product, to=P.DRAFT, actor=STAFF, user=staff_user, reason="Name the fees."
    )

    steps = list(product.events.values_list("from_status", "to_status", "actor", "reason"))
    assert steps == [
        (P.DRAFT, P.PENDING_REVIEW, PLATFORM, ""),
        (P.PENDING_REVIEW, P.DRAFT, STAFF, "Name the fees."),
    ]


def test_saving_a_product_never_changes_its_status():
    product = LoanProductFactory()
    stale = LoanProduct.objects.get(pk=product.pk)
    services.pause_product(product=product, actor=STAFF)

    stale.name = "Renamed"
    services.save_product(product=stale)

    product.refresh_from_db()
    assert (product.status, product.name) == (P.PAUSED, "Renamed")


def test_importing_products_reviews_and_publishes_each_with_its_events(settings):
    settings.PLATFORM_MAX_APR = Decimal("24")
    fields = {
        "lender": LenderFactory(),
        "category": LoanProduct.Category.CASH,
        "min_amount": Decimal("1000"),
        "max_amount": Decimal("5000"),
        "min_term_months": 3,
        "max_term_months": 12,
        "rate_unit": LoanProduct.RateUnit.MONTHLY,
        "repayment_method": LoanProduct.RepaymentMethod.FLAT_FEE,
        "approval_minutes": 10,
    }
    cheap = LoanProduct(name="Cheap", slug="cheap", rate_value=Decimal("0.5"), **fields)
    dear = LoanProduct(name="Dear", slug="dear", rate_value=Decimal("3"), **fields)

    services.import_products(products=[cheap, dear], publish=True)

    assert dict(LoanProduct.objects.values_list("slug", "status")) == {
        "cheap": P.PUBLISHED,
        "dear": P.PENDING_REVIEW,
    }
    assert list(
        ProductEvent.objects.filter(product=cheap).values_list("from_status", "to_status")
    ) == [(P.DRAFT, P.PENDING_REVIEW), (P.PENDING_REVIEW, P.PUBLISHED)]
    assert ProductEvent.objects.filter(product=dear).count() == 1
