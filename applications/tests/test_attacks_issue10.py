"""Issue 10's new surfaces, tried as an attacker would: each hole found is closed here with
the test that shows it, and what held is kept as a regression test."""

import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from applications import services
from applications.exceptions import OfferNotAccepted
from applications.models import Application
from devtools.testing.fixtures import submit
from lenders import services as lender_services
from lenders.models import LoanProduct
from lenders.tests.factories import LoanProductFactory

pytestmark = pytest.mark.django_db

S = Application.Status
DISCLOSURE = re.compile(r'<input type="hidden" name="disclosure" value="([^"]+)">')


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def changed(borrower, full_profile):
    """Forwarded to a portal lender, then approved at ¥15,000 over 6 months, not ¥20,000 over
    12: the borrower's answer is awaited."""
    application = submit(borrower, LoanProductFactory())
    return services.record_lender_event(
        application=application,
        status=S.APPROVED,
        occurred_at=timezone.now(),
        approved_amount=Decimal("15000.00"),
        apr=application.apr,
        term_months=6,
    )


@pytest.fixture
def intruder_client(db):
    """Another signed-up borrower."""
    user = get_user_model().objects.create_user(
        username="wang@example.test", email="wang@example.test", password="another horse"
    )
    services.create_profile(user=user)
    client = Client()
    client.force_login(user)
    return client


def token(application: Application) -> str:
    return services.offer_token(application)


def accept(client, application, offer=None):
    url = f"/applications/{application.pk}/accept/"
    return client.post(url, {"offer": token(application) if offer is None else offer})


def decline(client, application, offer=None, **extra):
    url = f"/applications/{application.pk}/decline/"
    return client.post(url, {"offer": token(application) if offer is None else offer, **extra})


def status_of(application: Application) -> str:
    application.refresh_from_db()
    return application.status


# --- The borrower's answer to changed terms -------------------------------------------------


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw", ""])
def test_another_borrowers_application_is_404_for_every_answer(intruder_client, changed, action):
    url = f"/applications/{changed.pk}/{action + '/' if action else ''}"
    got = intruder_client.get(url)
    posted = intruder_client.post(url, {"offer": token(changed), "confirm": "yes"})

    assert got.status_code == (405 if action in ("accept", "decline") else 404)
    assert posted.status_code == (404 if action else 405)
    assert status_of(changed) == S.APPROVED


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_the_answers_are_post_only(borrower_client, changed, action):
    response = borrower_client.get(f"/applications/{changed.pk}/{action}/")

    assert response.status_code == 405
    assert status_of(changed) == S.APPROVED


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_an_answer_without_the_csrf_token_is_refused(borrower, changed, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(borrower)

    response = client.post(
        f"/applications/{changed.pk}/{action}/", {"offer": token(changed), "confirm": "yes"}
    )

    assert response.status_code == 403
    assert status_of(changed) == S.APPROVED


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_an_anonymous_answer_is_sent_to_log_in_and_changes_nothing(client, changed, action):
    response = client.post(
        f"/applications/{changed.pk}/{action}/", {"offer": token(changed), "confirm": "yes"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert status_of(changed) == S.APPROVED


@pytest.mark.parametrize(
    "offer", ["", "20000.00|12|10.95", "15000.00|6|0", "15000|6|10.95", "x" * 5000, "\x00"]
)
def test_an_answer_to_terms_the_page_did_not_show_is_409(borrower_client, changed, offer):
    accepted = accept(borrower_client, changed, offer)
    declined = decline(borrower_client, changed, offer, confirm="yes")

    assert accepted.status_code == declined.status_code == 409
    assert "These are not the terms you saw" in accepted.content.decode()
    assert status_of(changed) == S.APPROVED


def test_accepting_twice_is_one_acceptance(borrower_client, changed):
    first = accept(borrower_client, changed)
    second = accept(borrower_client, changed)

    assert first.status_code == 302
    assert second.status_code == 409
    assert "You have already accepted these terms" in second.content.decode()
    assert changed.events.filter(to_status=S.OFFER_ACCEPTED).count() == 1


def test_accepting_after_withdrawing_is_409_and_keeps_it_withdrawn(borrower_client, changed):
    borrower_client.post(f"/applications/{changed.pk}/withdraw/", {"confirm": "yes"})

    response = accept(borrower_client, changed)

    assert response.status_code == 409
    assert status_of(changed) == S.WITHDRAWN


def test_accepting_after_the_lender_let_it_expire_is_409(borrower_client, changed):
    services.record_lender_event(application=changed, status=S.EXPIRED, occurred_at=timezone.now())

    response = accept(borrower_client, changed)

    assert response.status_code == 409
    assert status_of(changed) == S.EXPIRED


def test_declining_without_confirming_only_asks(borrower_client, changed):
    response = decline(borrower_client, changed)

    assert response.status_code == 200
    assert 'name="confirm"' in response.content.decode()
    assert status_of(changed) == S.APPROVED


def test_declining_twice_is_one_withdrawal(borrower_client, changed):
    first = decline(borrower_client, changed, confirm="yes")
    second = decline(borrower_client, changed, confirm="yes")

    assert first.status_code == 302
    assert second.status_code == 409
    assert changed.events.filter(to_status=S.WITHDRAWN).count() == 1


def test_the_same_terms_cannot_be_accepted_once_declined(borrower_client, changed):
    decline(borrower_client, changed, confirm="yes")

    assert accept(borrower_client, changed).status_code == 409
    assert status_of(changed) == S.WITHDRAWN


# --- Withdrawing ------------------------------------------------------------------------------


def test_withdrawing_a_final_application_asks_nothing_and_changes_nothing(borrower_client, changed):
    decline(borrower_client, changed, confirm="yes")

    shown = borrower_client.get(f"/applications/{changed.pk}/withdraw/")
    posted = borrower_client.post(f"/applications/{changed.pk}/withdraw/", {"confirm": "yes"})

    assert shown.status_code == posted.status_code == 302
    assert changed.events.filter(to_status=S.WITHDRAWN).count() == 1


@pytest.mark.parametrize("confirm", [None, "", "no", "YES", "yes "])
def test_a_withdrawal_without_its_confirmation_only_asks_again(borrower_client, changed, confirm):
    data = {} if confirm is None else {"confirm": confirm}

    response = borrower_client.post(f"/applications/{changed.pk}/withdraw/", data)

    assert response.status_code == 400
    assert status_of(changed) == S.APPROVED


# --- Applying by posting directly ---------------------------------------------------------


def review_and_post(client, product, ask: dict, **override):
    """The review page for ``ask`` as a browser gets it, then its form posted back with
    ``override`` (what an attacker changes): the signed disclosure, consent and the
    credit-inquiry authorisation ticked."""
    url = f"/applications/apply/{product.lender.slug}/{product.slug}/"
    page = client.get(url, ask).content.decode()
    disclosure = DISCLOSURE.search(page)
    posted = {
        **ask,
        "disclosure": disclosure.group(1) if disclosure else "",
        "consent": "on",
        "credit_inquiry": "on",
        **override,
    }
    return client.post(url, posted, HTTP_ACCEPT_LANGUAGE="en")


def test_a_car_loan_cannot_be_applied_for_everyday_spending_by_posting(
    borrower_client, full_profile
):
    car_loan = LoanProductFactory(category=LoanProduct.Category.VEHICLE)
    ask = {"amount": "20000", "term": "12", "purpose": "car"}

    response = review_and_post(borrower_client, car_loan, ask, purpose="consumption")

    assert response.status_code == 400
    assert "Everyday spending" in response.content.decode()
    assert not Application.objects.exists()


def test_an_unaffordable_loan_cannot_be_applied_for_by_posting(borrower_client, full_profile):
    """¥12,000 a month with ¥1,000 of debts: ¥200,000 over 12 months is about ¥17,700 a
    month, over half the income."""
    product = LoanProductFactory(max_amount=Decimal("200000"))
    ask = {"amount": "200000", "term": "12", "purpose": "consumption"}

    response = review_and_post(borrower_client, product, ask)

    assert response.status_code == 400
    assert "that is more than 50% of your income" in response.content.decode()
    assert not Application.objects.exists()


def test_an_amount_below_the_minimum_is_not_raised_to_it_by_posting(borrower_client, full_profile):
    product = LoanProductFactory(min_amount=Decimal("30000"))
    ask = {"amount": "20000", "term": "12", "purpose": "consumption"}

    response = review_and_post(borrower_client, product, ask)

    assert response.status_code == 400
    assert not Application.objects.exists()


@pytest.mark.parametrize("purpose", ["", "gambling", "CONSUMPTION", "consumption\x00"])
def test_a_purpose_not_offered_is_refused(borrower_client, full_profile, purpose):
    product = LoanProductFactory()
    ask = {"amount": "20000", "term": "12", "purpose": "consumption"}

    response = review_and_post(borrower_client, product, ask, purpose=purpose)

    assert response.status_code == 400
    assert not Application.objects.exists()


@pytest.mark.parametrize("missing", ["consent", "credit_inquiry"])
@pytest.mark.parametrize("value", ["", "false"])
def test_an_unticked_authorisation_posted_as_a_value_is_no_authorisation(
    borrower_client, full_profile, missing, value
):
    """A browser leaves an unticked box out; a script may send it empty or "false". (Django
    reads "off" as ticked, as any value but "false": only the borrower's own post, behind
    CSRF, can say so.)"""
    product = LoanProductFactory()
    ask = {"amount": "20000", "term": "12", "purpose": "consumption"}

    response = review_and_post(borrower_client, product, ask, **{missing: value})

    assert response.status_code == 400
    assert not Application.objects.exists()


# --- Return addresses ---------------------------------------------------------------------

OFF_SITE = [
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "https:evil.com",
    "http://evil.com",
    "https://testserver@evil.com/",
    "javascript:alert(1)",
    "/\t/evil.com",
    " //evil.com",
    "///evil.com",
]


def lands_on_this_site(location: str) -> bool:
    """A Location a browser resolves to this site: a path that no browser reads as a host."""
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", OFF_SITE)
def test_logging_in_never_leaves_the_site(client, borrower, target):
    response = client.post(
        "/accounts/login/",
        {"login": "li@example.test", "password": "correct horse battery", "next": target},
    )

    assert response.status_code == 302
    assert lands_on_this_site(response["Location"])
    assert "evil" not in response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_profile_step_never_leaves_the_site(borrower_client, full_profile, target):
    response = borrower_client.post(
        "/applications/profile/work/",
        {"city": "beijing", "occupation": "salaried", "months_in_job": "24", "next": target},
    )

    assert response.status_code == 302
    assert lands_on_this_site(response["Location"])
    assert "evil" not in response["Location"]


def test_a_header_cannot_be_injected_through_a_return_address(borrower_client, full_profile):
    response = borrower_client.post(
        "/applications/profile/work/",
        {"city": "beijing", "occupation": "salaried", "next": "/applications/\r\nSet-Cookie: a=b"},
    )

    assert response.status_code == 302
    assert "\r" not in response["Location"]
    assert "\n" not in response["Location"]
    assert "a" not in response.cookies


def sign_up(client, target: str) -> str:
    """Sign up with the return address ``target``; the link of the verification email."""
    mail.outbox.clear()
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.test",
            "password1": "Very-long-pass-99",
            "password2": "Very-long-pass-99",
            "next": target,
        },
    )
    (link,) = re.findall(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    return link


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_verification_link_carries_no_return_address_off_the_site(client, target):
    link = sign_up(client, target)

    assert "next=" not in link


def test_the_verification_link_keeps_a_return_address_on_the_site(client):
    link = sign_up(client, "/loans/?amount=20000&term=12")

    assert link.endswith("?next=%2Floans%2F%3Famount%3D20000%26term%3D12")


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_verification_link_given_an_off_site_address_stays_on_the_site(client, target):
    """An attacker who has the link (or sends a victim their own) adds ``next``."""
    link = sign_up(client, "/loans/").split("?")[0]
    confirming = Client()

    response = confirming.post(f"{link}?{urlencode({'next': target})}")

    assert response.status_code == 302
    assert lands_on_this_site(response["Location"])
    assert "evil" not in response["Location"]


# --- Flash messages ------------------------------------------------------------------------


def test_a_message_survives_a_chain_of_redirects_and_is_shown_once(borrower_client, changed):
    """Withdrawn (a redirect), then the withdraw page again (final: another redirect): the
    detail page says it once, and the page after does not say it again."""
    url = f"/applications/{changed.pk}/"
    borrower_client.post(f"{url}withdraw/", {"confirm": "yes"})

    again = borrower_client.get(f"{url}withdraw/")
    shown = borrower_client.get(again["Location"]).content.decode()
    after = borrower_client.get(url).content.decode()

    assert again.status_code == 302
    assert shown.count("Your application is withdrawn.") == 1
    assert "Your application is withdrawn." not in after


@pytest.mark.parametrize("path", ["/contact/", "/privacy/", "/agreement/"])
def test_the_trust_pages_carry_nothing_of_the_visitor_and_no_inline_code(
    borrower_client, full_profile, path
):
    response = borrower_client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    for personal in ("li@example.test", "李娜", "13912345678", full_profile.national_id):
        assert personal not in html
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html
    assert " style=" not in html
    assert not re.search(r"<[^>]*\son[a-z]+=", html)  # no inline event handler


# --- A changed schedule under the same amount, term and APR ------------------------------------


@pytest.fixture
def repriced(borrower, full_profile):
    """Applied for at equal installments; the lender then switches the product to equal
    principal (the same APR: a monthly rate's IRR does not depend on the method) and
    approves at the amount, term and APR applied for."""
    product = LoanProductFactory()
    application = submit(borrower, product)
    product.repayment_method = LoanProduct.RepaymentMethod.EQUAL_PRINCIPAL
    lender_services.save_product(product=product)
    return services.record_lender_event(
        application=application,
        status=S.APPROVED,
        occurred_at=timezone.now(),
        approved_amount=application.amount,
        apr=application.apr,
        term_months=application.term_months,
    )


def test_an_approval_at_the_same_apr_but_another_schedule_is_a_change_of_terms(repriced):
    """¥1,767.17 a month became ¥1,849.17 falling to ¥1,681.84: the borrower must see it and
    accept it before the lender may pay out."""
    assert repriced.decision_first_payment != repriced.first_payment

    assert repriced.terms_changed
    assert repriced.awaits_acceptance
    with pytest.raises(OfferNotAccepted):
        services.record_lender_event(
            application=repriced, status=S.DISBURSED, occurred_at=timezone.now()
        )


def test_the_borrower_is_shown_the_new_schedule_and_may_accept_it(borrower_client, repriced):
    page = borrower_client.get(repriced.get_absolute_url()).content.decode()

    assert "The terms changed" in page
    assert accept(borrower_client, repriced).status_code == 302
    assert status_of(repriced) == S.OFFER_ACCEPTED


def test_the_decline_question_does_not_reflect_a_crafted_offer_as_markup(borrower_client, changed):
    crafted = '"><script>alert(1)</script>'

    response = decline(borrower_client, changed, crafted)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert status_of(changed) == S.APPROVED


@pytest.mark.parametrize(
    "price",
    [
        {},
        {"upfront_fee_pct": Decimal("2")},
        {"monthly_fee_pct": Decimal("0.3")},
        {"repayment_method": LoanProduct.RepaymentMethod.EQUAL_PRINCIPAL},
        {
            "repayment_method": LoanProduct.RepaymentMethod.FLAT_FEE,
            "rate_value": Decimal("0.5"),
            "rate_unit": LoanProduct.RateUnit.MONTHLY,
        },
        {"rate_unit": LoanProduct.RateUnit.ANNUAL, "rate_value": Decimal("7.2")},
        {"interest_free_periods": 1},
    ],
)
def test_an_approval_at_the_terms_applied_for_is_no_change_whatever_the_price(
    borrower, full_profile, price
):
    """Comparing payments as well never flags an approval that changed nothing."""
    application = submit(borrower, LoanProductFactory(**price))

    approved = services.record_lender_event(
        application=application,
        status=S.APPROVED,
        occurred_at=timezone.now(),
        approved_amount=application.amount,
        apr=application.apr,
        term_months=application.term_months,
    )

    assert not approved.terms_changed
