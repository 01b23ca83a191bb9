import datetime
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import signing

from applications import services
from applications.disclosure import fingerprint
from applications.models import Application, BorrowerProfile, Consent
from devtools.testing.fixtures import VALID_ID, submit
from lenders import pricing
from lenders import services as lender_services
from lenders.templatetags.money import cny, pct
from lenders.tests.factories import LenderFactory, LoanProductFactory
from loanmarket import legal

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return LoanProductFactory(
        lender=LenderFactory(name="Harbour Bank", slug="harbour"),
        slug="salary",
        name="Salary Loan",
        max_amount=Decimal("200000"),
        monthly_fee_pct=Decimal("0.2"),
        upfront_fee_pct=Decimal("1"),
    )


APPLY = "/applications/apply/harbour/salary/"
ASK = {"amount": "20000", "term": "12", "purpose": "consumption"}
DISCLOSURE = re.compile(r'<input type="hidden" name="disclosure" value="([^"]+)">')


def reviewed(client, ask=ASK) -> dict:
    """What a browser posts back from the review page: the request, the signed disclosure
    the page carries, and the ticked consent."""
    page = client.get(APPLY, ask).content.decode()
    return {
        **ask,
        "disclosure": DISCLOSURE.search(page).group(1),
        "consent": "on",
        "credit_inquiry": "on",
    }


def test_the_review_discloses_the_cost_and_exactly_what_is_shared(
    borrower_client, full_profile, product
):
    response = borrower_client.get(APPLY, ASK, HTTP_ACCEPT_LANGUAGE="en")

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Harbour Bank" in html
    assert product.lender.licence_number in html
    for label in (
        "APR",
        "Monthly payment",
        "Total interest",
        "Upfront fee",
        "Monthly guarantee or service fee",
        "Total repayment",
    ):
        assert label in html
    assert "¥200.00" in html  # the 1 % upfront fee on ¥20,000
    assert "What Harbour Bank will receive" in html
    assert "139****5678" in html  # the mobile is in the list, masked
    assert "13912345678" not in html


def test_an_incomplete_profile_is_sent_to_finish_and_back(borrower_client, product):
    response = borrower_client.get(APPLY, ASK)

    assert response.status_code == 302
    assert response["Location"].startswith("/applications/profile/identity/?next=")
    assert "%2Fapplications%2Fapply%2Fharbour%2Fsalary%2F" in response["Location"]


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "[LoanMarket] Harbour Bank"), ("zh-hans", "[贷款超市] Harbour Bank")],
)
def test_emails_about_an_application_are_in_the_language_it_was_applied_in(
    borrower_client, full_profile, product, mailoutbox, language, subject
):
    """An English borrower on a Chinese-first site reads their decision emails in English."""
    borrower_client.cookies["django_language"] = language
    borrower_client.post(APPLY, reviewed(borrower_client))
    application = Application.objects.get()

    services.notify_decision(application_id=application.pk)  # what the queued task runs

    assert application.language == language
    assert mailoutbox[-1].subject.startswith(subject)


def test_applying_needs_explicit_consent(borrower_client, full_profile, product):
    response = borrower_client.post(
        APPLY + "?" + "amount=20000&term=12", ASK, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "Without your consent" in response.content.decode()
    assert not Application.objects.exists()


def test_consenting_applies_and_shows_the_timeline(borrower_client, full_profile, product):
    response = borrower_client.post(
        APPLY, reviewed(borrower_client), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    application = Application.objects.get()
    assert response.redirect_chain[-1][0] == f"/applications/{application.id}/"
    assert "With the lender" in response.content.decode()  # no API: the portal inbox
    assert application.consent.lender_name == "Harbour Bank"


def test_consent_shows_the_lenders_credit_inquiry_authorisation_with_a_plain_warning(
    borrower_client, full_profile, product
):
    html = " ".join(
        borrower_client.get(APPLY, ASK, HTTP_ACCEPT_LANGUAGE="en").content.decode().split()
    )

    assert "Credit-inquiry authorisation" in html
    assert "Harbour Bank may query your credit report." in html
    assert "I authorise Harbour Bank to query and use my personal credit report" in html
    assert f"Version {legal.CREDIT_INQUIRY_VERSION}" in html
    assert 'href="/privacy/"' in html
    assert 'href="/agreement/"' in html


def test_applying_needs_the_credit_inquiry_authorisation_too(
    borrower_client, full_profile, product
):
    posted = {**reviewed(borrower_client)}
    del posted["credit_inquiry"]

    response = borrower_client.post(APPLY, posted, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "needs your authorisation to query your credit report" in response.content.decode()
    assert not Application.objects.exists()


def test_the_consent_record_keeps_the_credit_inquiry_authorisations_version(
    borrower_client, full_profile, product
):
    borrower_client.post(APPLY, reviewed(borrower_client))

    consent = Consent.objects.get()
    assert consent.credit_inquiry_version == legal.CREDIT_INQUIRY_VERSION
    assert consent.lender_name == "Harbour Bank"


def test_a_review_shown_before_the_credit_inquiry_text_changed_is_confirmed_again(
    borrower_client, full_profile, product, monkeypatch
):
    posted = reviewed(borrower_client)
    monkeypatch.setattr(legal, "CREDIT_INQUIRY_VERSION", "2099-01")

    response = borrower_client.post(APPLY, posted, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert "credit-inquiry authorisation has been updated" in response.content.decode()
    assert not Application.objects.exists()


def test_double_submission_makes_one_application(borrower_client, full_profile, product):
    posted = reviewed(borrower_client)

    borrower_client.post(APPLY, posted)
    borrower_client.post(APPLY, posted)

    assert Application.objects.count() == 1


def test_reapplying_to_a_product_with_an_open_application_says_so_and_links_to_it(
    borrower_client, borrower, full_profile, product
):
    application = submit(borrower, product)

    response = borrower_client.get(APPLY, {**ASK, "amount": "30000"}, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "You have already applied for this loan" in html
    assert f'href="/applications/{application.id}/"' in html
    assert 'name="disclosure"' not in html  # no second consent form
    assert Application.objects.count() == 1


def test_a_second_post_to_an_open_product_leads_to_the_application_with_a_word(
    borrower_client, borrower, full_profile, product
):
    posted = reviewed(borrower_client)
    borrower_client.post(APPLY, posted)

    again = borrower_client.post(APPLY, posted, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    application = Application.objects.get()
    assert again.redirect_chain[-1][0] == application.get_absolute_url()
    assert "You have already applied for this loan: here it is." in again.content.decode()


def test_an_amount_outside_the_range_cannot_be_applied_for(borrower_client, full_profile, product):
    response = borrower_client.get(APPLY, {**ASK, "amount": "999999"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "This product lends from" in response.content.decode()


def test_an_apply_link_without_its_terms_says_which_are_missing_and_leads_back_to_the_offer(
    borrower_client, full_profile, product
):
    response = borrower_client.get(APPLY, {"purpose": "consumption"}, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 400
    assert "The amount is missing." in html
    assert "The term (months) is missing." in html
    assert "This field is required" not in html
    assert "not eligible" not in html.lower()
    assert "does not fit" not in html
    assert 'href="/loans/harbour/salary/">Back to Salary Loan</a>' in html


def test_an_apply_link_with_a_bad_amount_names_it_and_keeps_the_valid_term_on_the_way_back(
    borrower_client, full_profile, product
):
    response = borrower_client.get(
        APPLY, {"amount": "abc", "term": "12", "purpose": "consumption"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Amount (¥): Enter a number." in html
    assert 'href="/loans/harbour/salary/?term=12"' in html


def test_the_dashboard_lists_only_the_borrowers_own(
    borrower_client, borrower, full_profile, product, django_assert_max_num_queries
):
    mine = submit(borrower, product)

    with django_assert_max_num_queries(3):
        response = borrower_client.get("/applications/")

    assert str(mine.get_absolute_url()) in response.content.decode()


def test_another_borrowers_application_is_404(client, borrower, full_profile, product):
    application = submit(borrower, product)
    stranger = get_user_model().objects.create_user(username="s", email="s@example.test")
    client.force_login(stranger)

    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.post(f"/applications/{application.id}/withdraw/").status_code == 404
    assert client.get(f"/applications/{uuid.uuid4()}/").status_code == 404
    application.refresh_from_db()
    assert application.status != Application.Status.WITHDRAWN


def test_the_borrower_withdraws_before_a_decision(borrower_client, borrower, full_profile, product):
    application = submit(borrower, product)

    borrower_client.post(f"/applications/{application.id}/withdraw/", {"confirm": "yes"})

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_withdrawing_asks_for_confirmation_first(borrower_client, borrower, full_profile, product):
    application = submit(borrower, product)
    detail = borrower_client.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="/applications/{application.id}/withdraw/"' in detail.content.decode()

    asked = borrower_client.get(
        f"/applications/{application.id}/withdraw/", HTTP_ACCEPT_LANGUAGE="en"
    )
    unconfirmed = borrower_client.post(f"/applications/{application.id}/withdraw/")

    html = asked.content.decode()
    assert "Withdraw this application?" in html
    assert "Harbour Bank" in html
    assert 'name="confirm" value="yes"' in html
    assert f'href="/applications/{application.id}/"' in html  # "No, keep it"
    assert "<script" not in html.split("</head>")[1]
    assert unconfirmed.status_code == 400
    application.refresh_from_db()
    assert application.status != Application.Status.WITHDRAWN


# --- Consent is bound to what the review page showed ---------------------------------------


def assert_nothing_written() -> None:
    assert not Application.objects.exists()
    assert not Consent.objects.exists()


def test_a_profile_changed_after_the_review_is_not_consented_to_and_the_new_list_is_shown(
    borrower_client, borrower, full_profile, product
):
    posted = reviewed(borrower_client)
    services.update_profile(  # in another tab: now a business owner, so more would be sent
        user=borrower,
        fields={
            "occupation": "business_owner",
            "monthly_business_revenue": Decimal("80000"),
            "years_trading": 4,
        },
    )

    response = borrower_client.post(APPLY, posted, HTTP_ACCEPT_LANGUAGE="en")

    html = " ".join(response.content.decode().split())
    assert response.status_code == 409
    assert_nothing_written()
    assert "Nothing has been sent." in html
    assert "We would now also send: monthly business revenue, years trading." in html
    assert "<dt>Monthly business revenue</dt><dd>¥80,000.00</dd>" in html
    assert re.search(r'<input type="checkbox" name="consent"(?![^>]*checked)[^>]*>', html)
    again = DISCLOSURE.search(html).group(1)
    assert again != posted["disclosure"]

    borrower_client.post(APPLY, {**posted, "disclosure": again})

    consent = Application.objects.get().consent
    assert consent.fields[-2:] == ["monthly_business_revenue", "years_trading"]


def test_a_profile_value_changed_after_the_review_is_named_as_a_change(
    borrower_client, borrower, full_profile, product
):
    posted = reviewed(borrower_client)
    services.update_profile(user=borrower, fields={"mobile": "13700001111"})

    response = borrower_client.post(APPLY, posted, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert_nothing_written()
    assert "Your profile has changed since you reviewed what we would send." in (
        response.content.decode()
    )


def test_a_price_changed_after_the_review_is_not_consented_to_and_the_new_cost_is_shown(
    borrower_client, full_profile, product
):
    posted = reviewed(borrower_client)
    old = pricing.quote(product.quoted_price, amount=Decimal("20000"), term_months=12)
    product.rate_value = Decimal("0.0350")  # the lender reprices between review and submit
    lender_services.save_product(product=product)
    new = pricing.quote(product.quoted_price, amount=Decimal("20000"), term_months=12)

    response = borrower_client.post(APPLY, posted, HTTP_ACCEPT_LANGUAGE="en")

    html = " ".join(response.content.decode().split())
    assert response.status_code == 409
    assert_nothing_written()
    assert (
        f"The lender changed its price: the APR was {pct(old.apr)} and is now {pct(new.apr)}; "
        f"the total repayment was {cny(old.total_repayment)} "
        f"and is now {cny(new.total_repayment)}."
    ) in html
    assert f'data-testid="apr">{pct(new.apr)}</dd>' in html


SIGNER = signing.Signer(salt="applications.disclosure.consent")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        lambda token: "",
        lambda token: SIGNER.sign_object({"fields": ["city"]}),
        lambda token: signing.Signer().sign_object(SIGNER.unsign_object(token)),
    ],
    ids=["altered", "missing", "forged-shape", "other-salt"],
)
def test_a_tampered_disclosure_writes_nothing_and_shows_the_disclosure_again(
    borrower_client, full_profile, product, tamper
):
    posted = reviewed(borrower_client)

    response = borrower_client.post(
        APPLY, {**posted, "disclosure": tamper(posted["disclosure"])}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 409
    assert_nothing_written()
    html = response.content.decode()
    assert "We could not confirm what you were shown. Please review it again." in html
    assert DISCLOSURE.search(html).group(1) == posted["disclosure"]  # what holds, unchanged


def test_the_service_checks_consent_against_the_profile_it_locks(borrower, full_profile, product):
    shown = services.disclose(
        profile=full_profile, product=product, amount=Decimal("20000"), term_months=12
    )
    services.update_profile(user=borrower, fields={"employer": "另一家公司"})

    with pytest.raises(services.ConsentMismatch) as refused:
        services.submit_application(
            borrower=borrower,
            product=product,
            amount=Decimal("20000"),
            term_months=12,
            purpose="consumption",
            consent=shown.signed(),
            ip_address=None,
        )

    assert refused.value.code == "consent_mismatch"
    assert_nothing_written()


def test_the_page_carries_no_personal_value_in_its_disclosure(
    borrower_client, full_profile, product
):
    token = reviewed(borrower_client)["disclosure"]

    payload = json.dumps(SIGNER.unsign_object(token))
    for value in ("李娜", "13912345678", VALID_ID, "1990-03-07", "示例有限公司", "12000"):
        assert value not in payload
    disclosed = json.loads(payload)
    assert set(disclosed) == {
        *("v", "lender", "product", "amount", "term_months", "apr", "ear", "fees", "totals"),
        *("fields", "values", "consent_version", "credit_inquiry_version"),
    }
    assert disclosed["fields"] == services.fields_to_share(full_profile)


def test_the_values_fingerprint_is_one_per_set_of_values(borrower, full_profile):
    fields = services.fields_to_share(full_profile)
    saved = BorrowerProfile.objects.get(pk=full_profile.pk)  # 12000.00 where it was 12000

    assert fingerprint(saved, fields) == fingerprint(full_profile, fields)
    for name, other in [
        ("full_name", "李四"),
        ("monthly_income", Decimal("12000.01")),
        ("has_credit_card", True),
        ("date_of_birth", datetime.date(1990, 3, 8)),
        ("months_in_job", 25),
    ]:
        changed = BorrowerProfile.objects.get(pk=full_profile.pk)
        setattr(changed, name, other)
        assert fingerprint(changed, fields) != fingerprint(saved, fields), name


def test_the_withdraw_and_already_applied_pages_keep_a_fixed_query_count(
    borrower_client, borrower, full_profile, product, django_assert_max_num_queries
):
    application = submit(borrower, product)

    with django_assert_max_num_queries(4):
        borrower_client.get(f"/applications/{application.id}/withdraw/")
    with django_assert_max_num_queries(5):
        borrower_client.get(APPLY, ASK)
