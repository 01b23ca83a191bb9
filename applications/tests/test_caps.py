"""Lead caps: a product takes at most its daily and monthly cap of applications (Beijing
time), counted exactly under concurrent applications, and says until when it is closed."""

import datetime
import re
import threading
import time
import zoneinfo
from decimal import Decimal

import psycopg
import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from applications import services
from applications.models import Application, BorrowerProfile
from applications.validators import ID_WEIGHTS
from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders.caps import not_taking_until
from lenders.exceptions import InvalidCap
from lenders.models import ApplicationIntake, LoanProduct
from lenders.selectors import closed_products, places_taken
from lenders.tests.factories import LenderFactory, LoanProductFactory

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
APPLY = "/applications/apply/harbour/salary/"
ASK = {"amount": "20000", "term": "12", "purpose": "consumption"}
DISCLOSURE = re.compile(r'<input type="hidden" name="disclosure" value="([^"]+)">')
CHECKS = "10X98765432"


def national_id(n: int) -> str:
    """A valid ID number (GB 11643 checksum), one per ``n``, born 1990-03-07."""
    body = f"11010119900307{n:03d}"
    return body + CHECKS[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def make_borrower(n: int):
    email = f"borrower{n}@example.test"
    user = get_user_model().objects.create_user(username=email, email=email, password="x")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    services.create_profile(user=user)
    services.update_profile(
        user=user,
        fields={
            "full_name": "李娜",
            "mobile": f"139123456{n:02d}",
            "national_id": national_id(n),
            "date_of_birth": datetime.date(1990, 3, 7),
            "city": "beijing",
            "occupation": "salaried",
            "months_in_job": 24,
            "monthly_income": Decimal("12000"),
            "has_social_insurance": True,
            "has_housing_fund": True,
            "has_credit_card": False,
            "monthly_debt_payments": Decimal("1000"),
        },
    )
    return user


def capped(*, daily: int | None = None, monthly: int | None = None) -> LoanProduct:
    product = LoanProductFactory(
        lender=LenderFactory(name="Harbour Bank", slug="harbour"),
        slug="salary",
        name="Salary Loan",
        max_amount=Decimal("200000"),
    )
    return lender_services.set_product_caps(product=product, daily_cap=daily, monthly_cap=monthly)


def beijing(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BEIJING)


def submit_at(borrower, product, now: datetime.datetime) -> Application:
    shown = services.disclose(
        profile=BorrowerProfile.objects.get(user=borrower),
        product=product,
        amount=Decimal("20000"),
        term_months=12,
    )
    return services.submit_application(
        borrower=borrower,
        product=product,
        amount=Decimal("20000"),
        term_months=12,
        purpose="consumption",
        consent=shown.signed(),
        ip_address="127.0.0.1",
        now=now,
    )


def taken(product: LoanProduct, period: str) -> int:
    return sum(
        ApplicationIntake.objects.filter(product=product, period=period).values_list(
            "taken", flat=True
        )
    )


def _backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


# Concurrency, on PostgreSQL: real threads, each with its own connection and transaction.


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_applications_cannot_both_take_the_last_place():
    """The first application holds its uncommitted place; the second waits on that row's
    lock, then reads the committed count and is refused: never both."""
    product = capped(daily=2)
    earlier, first, second = make_borrower(1), make_borrower(2), make_borrower(3)
    submit(earlier, product)  # today's count exists: the race is for its last place
    claimed, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}
    pids: dict[str, int] = {}

    def apply_and_hold() -> None:
        try:
            with transaction.atomic():
                pids["first"] = _backend_pid()
                outcomes["first"] = submit(first, product)
                claimed.set()
                release.wait(60)
        except Exception as exc:  # noqa: BLE001 - reported by the asserts below
            outcomes["first"] = exc
            claimed.set()
        finally:
            connection.close()

    def apply_meanwhile() -> None:
        try:
            pids["second"] = _backend_pid()
            outcomes["second"] = submit(second, product)
        except Exception as exc:  # noqa: BLE001 - reported by the asserts below
            outcomes["second"] = exc
        finally:
            connection.close()

    holder = threading.Thread(target=apply_and_hold)
    holder.start()
    claimed.wait(60)
    racer = threading.Thread(target=apply_meanwhile)
    racer.start()
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
        autocommit=True,
    ) as watch:
        deadline = time.monotonic() + 60
        while (
            "second" not in pids
            or not watch.execute(
                "SELECT %s = ANY(pg_blocking_pids(%s))", [pids["first"], pids["second"]]
            ).fetchone()[0]
        ):
            assert time.monotonic() < deadline, "the second application never waited"
            assert racer.is_alive(), f"the second application did not wait: {outcomes}"
            time.sleep(0.01)
    release.set()
    holder.join()
    racer.join()

    assert isinstance(outcomes["first"], Application)
    assert isinstance(outcomes["second"], services.NotTakingApplications)
    assert outcomes["second"].code == "product_at_cap"
    assert set(Application.objects.values_list("borrower", flat=True)) == {earlier.pk, first.pk}
    assert taken(product, "day") == 2


@pytest.mark.django_db(transaction=True)
def test_many_applications_at_once_take_exactly_the_places_there_are():
    product = capped(daily=2)
    borrowers = [make_borrower(n) for n in range(1, 6)]
    start = threading.Barrier(len(borrowers))
    outcomes = []

    def apply(borrower) -> None:
        try:
            start.wait(30)
            outcomes.append(submit(borrower, product))
        except Exception as exc:  # noqa: BLE001 - reported by the asserts below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(b,)) for b in borrowers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    accepted = [o for o in outcomes if isinstance(o, Application)]
    refused = [o for o in outcomes if isinstance(o, services.NotTakingApplications)]
    assert (len(accepted), len(refused)) == (2, 3), outcomes
    assert Application.objects.count() == 2
    assert taken(product, "day") == 2


# The count, period by period.


@pytest.mark.django_db
def test_a_product_at_its_daily_cap_refuses_with_a_code_until_the_next_day():
    product = capped(daily=1)
    first, second = make_borrower(1), make_borrower(2)
    submit_at(first, product, beijing(2026, 12, 1, 23, 30))

    with pytest.raises(services.NotTakingApplications) as refused:
        submit_at(second, product, beijing(2026, 12, 1, 23, 59))

    assert refused.value.code == "product_at_cap"
    assert refused.value.reopens_on == datetime.date(2026, 12, 2)
    # 00:00 Beijing time is 16:00 UTC the day before: a new day counts from then.
    assert submit_at(second, product, datetime.datetime(2026, 12, 1, 16, 0, tzinfo=datetime.UTC))
    assert Application.objects.count() == 2


@pytest.mark.django_db
def test_a_product_at_its_monthly_cap_reopens_on_the_first_of_the_next_month():
    product = capped(daily=5, monthly=1)
    first, second = make_borrower(1), make_borrower(2)
    submit_at(first, product, beijing(2026, 12, 10, 9))

    with pytest.raises(services.NotTakingApplications) as refused:
        submit_at(second, product, beijing(2026, 12, 31, 23))

    assert refused.value.reopens_on == datetime.date(2027, 1, 1)
    assert taken(product, "day") == 1  # the refused one took no daily place either
    assert places_taken(product=product, now=beijing(2026, 12, 31, 23)) == {"day": 0, "month": 1}
    assert submit_at(second, product, beijing(2027, 1, 1, 0, 1))


@pytest.mark.django_db
def test_the_products_at_their_cap_are_known_per_day_and_month():
    product = capped(daily=1)
    submit_at(make_borrower(1), product, beijing(2026, 12, 1, 10))

    assert closed_products(now=beijing(2026, 12, 1, 11)) == {product.pk: datetime.date(2026, 12, 2)}
    assert closed_products(now=beijing(2026, 12, 2, 0, 0)) == {}


@pytest.mark.django_db
def test_a_withdrawn_application_keeps_its_place():
    """The lender received it: withdrawing does not give the place to someone else."""
    product = capped(daily=1)
    first, second = make_borrower(1), make_borrower(2)
    now = beijing(2026, 12, 1, 10)
    application = submit_at(first, product, now)
    services.withdraw_application(borrower=first, application=application)

    with pytest.raises(services.NotTakingApplications):
        submit_at(second, product, now)


@pytest.mark.django_db
def test_an_application_whose_write_is_rolled_back_gives_its_place_back():
    product = capped(daily=1)
    first, second = make_borrower(1), make_borrower(2)
    now = beijing(2026, 12, 1, 10)

    def apply_then_fail() -> None:
        with transaction.atomic():
            submit_at(first, product, now)
            raise RuntimeError("the application's transaction fails after the place was taken")

    with pytest.raises(RuntimeError):
        apply_then_fail()

    assert taken(product, "day") == 0
    assert submit_at(second, product, now)


@pytest.mark.django_db
def test_a_second_click_returns_the_open_application_without_taking_another_place():
    product = capped(daily=2)
    borrower = make_borrower(1)
    now = beijing(2026, 12, 1, 10)

    assert submit_at(borrower, product, now) == submit_at(borrower, product, now)
    assert taken(product, "day") == 1


@pytest.mark.django_db
def test_a_cap_lowered_below_the_count_closes_the_product_at_once():
    product = capped(daily=3)
    now = beijing(2026, 12, 1, 10)
    submit_at(make_borrower(1), product, now)
    submit_at(make_borrower(2), product, now)
    lender_services.set_product_caps(product=product, daily_cap=1, monthly_cap=None)

    with pytest.raises(services.NotTakingApplications):
        submit_at(make_borrower(3), product, now)


# Caps of 0 or below.


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [0, -1])
def test_a_cap_of_zero_or_below_is_refused_with_a_clear_message(cap):
    product = capped()

    with pytest.raises(InvalidCap) as daily, translation.override("en"):
        lender_services.set_product_caps(product=product, daily_cap=cap, monthly_cap=None)
    with pytest.raises(InvalidCap):
        lender_services.set_product_caps(product=product, daily_cap=None, monthly_cap=cap)

    assert daily.value.code == "invalid_cap"
    assert "at least 1" in daily.value.message
    product.refresh_from_db()
    assert (product.daily_cap, product.monthly_cap) == (None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["daily_cap", "monthly_cap"])
def test_the_database_refuses_a_cap_of_zero(field):
    product = capped()

    with pytest.raises(IntegrityError), transaction.atomic():
        LoanProduct.objects.filter(pk=product.pk).update(**{field: 0})


# What borrowers see of a product at its cap.


def full_today(product: LoanProduct, capture) -> datetime.date:
    """Fill today's cap (committed, so pages hear of it) and return the day it reopens."""
    with capture(execute=True):
        submit(make_borrower(90), product)
    return timezone.localdate() + datetime.timedelta(days=1)


def closed_words(day: datetime.date) -> str:
    with translation.override("en"):
        return not_taking_until(day)


@pytest.mark.django_db
def test_the_catalogue_row_says_until_when_a_product_at_its_cap_takes_no_applications(
    client, django_capture_on_commit_callbacks
):
    product = capped(daily=1)
    client.get("/loans/")  # cached before the cap is reached
    reopens = full_today(product, django_capture_on_commit_callbacks)

    html = client.get("/loans/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert closed_words(reopens) in html
    assert reopens.strftime("%Y") in closed_words(reopens)  # a date in words, with its year


@pytest.mark.django_db
def test_the_product_page_of_a_product_at_its_cap_has_no_apply_button(
    client, django_capture_on_commit_callbacks
):
    product = capped(daily=1)
    open_page = client.get(product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    reopens = full_today(product, django_capture_on_commit_callbacks)

    html = client.get(product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert APPLY in open_page.content.decode()
    assert APPLY not in html
    assert closed_words(reopens) in html


@pytest.mark.django_db
def test_matching_ranks_a_product_at_its_cap_unavailable_and_says_why(
    client, django_capture_on_commit_callbacks
):
    product = capped(daily=1)
    other = LoanProductFactory(name="Open Loan", rate_value=Decimal("0.05"))
    reopens = full_today(product, django_capture_on_commit_callbacks)
    borrower = make_borrower(1)
    client.force_login(borrower)

    response = client.get("/match/", ASK, HTTP_ACCEPT_LANGUAGE="en")

    offers = {offer.product.id: offer for offer in response.context["result"].offers}
    assert offers[other.pk].eligible
    assert not offers[product.pk].eligible
    assert offers[product.pk].reasons == [closed_words(reopens)]
    assert [o.product.id for o in response.context["result"].offers] == [other.pk, product.pk]
    html = response.content.decode()
    assert closed_words(reopens) in html
    assert f"{APPLY}?" not in html


@pytest.mark.django_db
def test_the_review_page_of_a_product_at_its_cap_says_so_instead(
    client, django_capture_on_commit_callbacks
):
    product = capped(daily=1)
    reopens = full_today(product, django_capture_on_commit_callbacks)
    client.force_login(make_borrower(1))

    response = client.get(APPLY, ASK, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert closed_words(reopens) in response.content.decode()
    assert 'name="disclosure"' not in response.content.decode()
    assert "/match/?amount=20000&amp;term=12&amp;purpose=consumption" in response.content.decode()


@pytest.mark.django_db
def test_applying_to_a_product_that_reached_its_cap_meanwhile_is_a_form_error(
    client, django_capture_on_commit_callbacks
):
    product = capped(daily=1)
    client.force_login(make_borrower(1))
    page = client.get(APPLY, ASK).content.decode()
    reviewed = {
        **ASK,
        "disclosure": DISCLOSURE.search(page).group(1),
        "consent": "on",
        "credit_inquiry": "on",
    }
    reopens = full_today(product, django_capture_on_commit_callbacks)

    response = client.post(APPLY, reviewed, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert closed_words(reopens) in response.content.decode()
    assert Application.objects.count() == 1  # the one that filled the cap


@pytest.mark.django_db
@pytest.mark.parametrize("n_products", [10, 300])
def test_match_query_count_is_flat_with_products_at_their_cap(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks, n_products
):
    product = capped(daily=1)
    LoanProductFactory.create_batch(n_products)
    full_today(product, django_capture_on_commit_callbacks)
    client.force_login(make_borrower(1))
    client.get("/match/", ASK)  # builds the snapshot and reads the products at their cap

    with django_assert_max_num_queries(4):  # session, user, profile, match log
        response = client.get("/match/", {**ASK, "amount": "30000"})

    assert response.context["result"].ineligible >= 1


@pytest.mark.django_db
def test_the_products_at_their_cap_are_one_query_when_not_cached(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    for _ in range(3):
        product = lender_services.set_product_caps(
            product=LoanProductFactory(), daily_cap=1, monthly_cap=None
        )
        with django_capture_on_commit_callbacks(execute=True):
            lender_services.claim_application_place(product=product)

    with django_assert_num_queries(1):
        closed = closed_products()

    assert len(closed) == 3
