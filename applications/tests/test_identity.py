"""Identity saves cannot be used to find out whose a national ID number is, or to try many.

Each post of the identity step may test whether a number is registered, or a date of birth
against the hidden digits of the saved number: every post, refused or saved, counts against
a limit per account and per client address. A number held by another account is recorded
for staff and answered in the words of any failure to save a number, and the answer is the
same however the conflict was found (before saving, or by the database at the same moment).
The service checks a date of birth only against the number given with it, and a number
given alone brings its own date.
"""

import datetime
import re
import threading
import time

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from applications import services
from applications.exceptions import DateOfBirthWithoutId, UnderAge
from applications.models import BorrowerProfile, IdentityConflict
from applications.validators import ID_CHECK_CHARS, ID_WEIGHTS
from devtools.testing.fixtures import VALID_ID

IDENTITY = "/applications/profile/identity/"
NOT_SAVED = "We could not save this ID number. Please contact support."
TOO_MANY = "You have saved your ID details too many times. Please try again in an hour."


def identity(**overrides) -> dict:
    return {
        "full_name": "王芳",
        "mobile": "13812345678",
        "national_id": VALID_ID,
        **overrides,
    }


def id_born_1990_03_07(*, sequence: int) -> str:
    """Another valid ID number with VALID_ID's region and date of birth."""
    body = f"11010119900307{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK_CHARS[total % 11]


def signed_up(email: str):
    user = get_user_model().objects.create_user(username=email, email=email)
    services.create_profile(user=user)
    return user


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.django_db
def test_identity_saves_are_limited_per_account(borrower_client, borrower):
    for n in range(5):
        assert (
            borrower_client.post(IDENTITY, identity(full_name=f"王芳{'一二三四五'[n]}")).status_code
            == 302
        )

    response = borrower_client.post(
        IDENTITY, identity(full_name="王小芳"), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert BorrowerProfile.objects.get(user=borrower).full_name == "王芳五"  # not saved


@pytest.mark.django_db
def test_identity_saves_are_limited_per_client_address(client):
    for account in range(5):  # four saves each: under the limit of each account
        client.force_login(signed_up(f"b{account}@example.test"))
        for _ in range(4):
            number = id_born_1990_03_07(sequence=account)
            assert client.post(IDENTITY, identity(national_id=number)).status_code == 302
    client.force_login(signed_up("fresh@example.test"))
    number = id_born_1990_03_07(sequence=9)

    here = client.post(IDENTITY, identity(national_id=number), HTTP_ACCEPT_LANGUAGE="en")
    elsewhere = client.post(IDENTITY, identity(national_id=number), REMOTE_ADDR="198.51.100.7")

    assert here.status_code == 429
    assert TOO_MANY in here.content.decode()
    assert elsewhere.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "refused",
    [
        {"national_id": VALID_ID[:-1] + "0"},
        {"mobile": "1381234abcd"},
        {"national_id": "110101201501011233"},
    ],
    ids=["a wrong check digit", "a form with an error", "a number under 18"],
)
def test_refused_identity_posts_count_against_the_limit_too(borrower_client, full_profile, refused):
    answers = [borrower_client.post(IDENTITY, identity(**refused)).status_code for _ in range(5)]

    limited = borrower_client.post(IDENTITY, identity(), HTTP_ACCEPT_LANGUAGE="en")

    assert answers == [400] * 5
    assert limited.status_code == 429
    assert TOO_MANY in limited.content.decode()
    assert BorrowerProfile.objects.get(user=full_profile.user).full_name == "李娜"  # not saved


@pytest.mark.django_db
@pytest.mark.parametrize("born", [datetime.date(1990, 3, 7), datetime.date(1991, 3, 7)])
def test_the_service_refuses_a_date_of_birth_without_the_id_number_whatever_the_date(
    full_profile, born
):
    with pytest.raises(DateOfBirthWithoutId):
        services.update_profile(
            user=full_profile.user, fields={"full_name": "王芳", "date_of_birth": born}
        )

    profile = BorrowerProfile.objects.get(pk=full_profile.pk)
    assert (profile.full_name, profile.date_of_birth) == ("李娜", datetime.date(1990, 3, 7))


@pytest.mark.django_db
def test_the_service_saves_the_date_of_birth_a_number_given_alone_carries(borrower):
    services.update_profile(user=borrower, fields={"national_id": VALID_ID})

    assert BorrowerProfile.objects.get(user=borrower).date_of_birth == datetime.date(1990, 3, 7)


@pytest.mark.django_db
def test_the_service_refuses_a_number_given_alone_that_carries_an_age_under_18(borrower):
    with pytest.raises(UnderAge):
        services.update_profile(user=borrower, fields={"national_id": "110105201501010017"})

    assert BorrowerProfile.objects.get(user=borrower).national_id == ""


@pytest.mark.django_db
def test_a_number_another_account_holds_is_recorded_for_staff_and_the_borrower_told_to_ask_support(
    client, full_profile
):
    prober = signed_up("prober@example.test")
    client.force_login(prober)

    response = client.post(
        IDENTITY, identity(), HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9"
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert NOT_SAVED in html
    assert "registered" not in html
    assert full_profile.user.email not in html
    assert BorrowerProfile.objects.get(user=prober).national_id == ""
    conflict = IdentityConflict.objects.get()
    assert (conflict.user, conflict.holder, conflict.client_ip) == (
        prober,
        full_profile.user,
        "203.0.113.9",
    )
    assert conflict.national_id_index == services.national_id_index(VALID_ID)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM applications_identityconflict")
        assert VALID_ID not in str(cursor.fetchall())


@pytest.mark.django_db
def test_staff_review_conflicts_in_a_read_only_list(staff_client, full_profile):
    prober = signed_up("prober@example.test")
    conflict = services.record_identity_conflict(
        user=prober, national_id=VALID_ID, client_ip="203.0.113.9"
    )
    base = "/admin/applications/identityconflict/"

    listing = staff_client.get(base).content.decode()

    assert "prober@example.test" in listing
    assert full_profile.user.email in listing
    assert VALID_ID not in listing
    assert staff_client.get(f"{base}add/").status_code == 403
    assert staff_client.get(f"{base}{conflict.pk}/delete/").status_code == 403
    assert (
        staff_client.post(f"{base}{conflict.pk}/change/", {"client_ip": "1.2.3.4"}).status_code
        == 403
    )
    conflict.refresh_from_db()
    assert conflict.client_ip == "203.0.113.9"


@pytest.mark.django_db(transaction=True)
def test_a_number_taken_at_the_same_moment_is_answered_and_recorded_as_any_taken_number(client):
    holder, prober = signed_up("holder@example.test"), signed_up("prober@example.test")
    client.force_login(prober)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (web_pid,) = cursor.fetchone()
    db = connection.settings_dict
    params = {
        "dbname": db["NAME"],
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"],
        "port": db["PORT"],
    }
    held = threading.Event()
    failures = []

    def hold_the_number_until_the_save_waits_for_it() -> None:
        # The holder's save, uncommitted: the prober's check cannot see it, so its UPDATE
        # reaches the unique index and waits there; then the holder's save commits.
        try:
            with (
                psycopg.connect(**params) as other,
                psycopg.connect(**params, autocommit=True) as watch,
            ):
                holder_pid = other.info.backend_pid
                other.execute(
                    "UPDATE applications_borrowerprofile SET national_id_index = %s"
                    " WHERE user_id = %s",
                    [services.national_id_index(VALID_ID), holder.pk],
                )
                held.set()
                deadline = time.monotonic() + 60
                while not watch.execute(
                    "SELECT %s = ANY(pg_blocking_pids(%s))", [holder_pid, web_pid]
                ).fetchone()[0]:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the prober's save never waited for the holder's")
                    time.sleep(0.01)
                other.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)
            held.set()

    thread = threading.Thread(target=hold_the_number_until_the_save_waits_for_it)
    thread.start()
    held.wait()
    at_the_same_moment = client.post(IDENTITY, identity(), HTTP_ACCEPT_LANGUAGE="en")
    thread.join()
    afterwards = client.post(IDENTITY, identity(), HTTP_ACCEPT_LANGUAGE="en")

    assert failures == []
    assert at_the_same_moment.status_code == afterwards.status_code == 400
    assert NOT_SAVED in at_the_same_moment.content.decode()
    assert without_csrf(at_the_same_moment.content.decode()) == without_csrf(
        afterwards.content.decode()
    )
    assert [(c.user, c.holder) for c in IdentityConflict.objects.all()] == [(prober, holder)] * 2
    assert BorrowerProfile.objects.get(user=prober).national_id == ""
