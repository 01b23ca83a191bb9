import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse

from lenders import services
from lenders.models import EligibilityRules, Lender, LoanProduct
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


def inline_management(prefix: str) -> dict:
    """An inline's management form, as a browser posts it for an inline left unchanged."""
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "0",
    }


def product_form(lender: Lender, **overrides) -> dict:
    data = {
        "lender": lender.pk,
        "name": "Admin Loan",
        "slug": "admin-loan",
        "category": "cash",
        "description": "",
        "min_amount": "1000",
        "max_amount": "20000",
        "min_term_months": "3",
        "max_term_months": "12",
        "rate_value": "0.03",
        "rate_unit": "daily",
        "repayment_method": "equal_installment",
        "upfront_fee_pct": "0",
        "monthly_fee_pct": "0",
        "interest_free_periods": "0",
        "early_repayment_terms": "",
        "approval_minutes": "30",
        # The eligibility rules inline, left empty.
        **inline_management("rules"),
        # Its status changes, shown read-only (the management form a browser posts).
        **inline_management("events"),
    }
    data.update(overrides)
    return data


def test_product_list_shows_the_apr_range_and_filters(staff_client):
    LoanProductFactory.create_batch(3)

    response = staff_client.get(
        reverse("admin:lenders_loanproduct_changelist"), {"status__exact": "published"}
    )

    assert response.status_code == 200
    assert "10.9" in response.content.decode()  # 0.03 % a day ≈ 10.95 % APR


def test_adding_a_product_prices_it_and_keeps_it_a_draft(staff_client):
    lender = LenderFactory()

    response = staff_client.post(reverse("admin:lenders_loanproduct_add"), product_form(lender))

    assert response.status_code == 302
    product = LoanProduct.objects.get(slug="admin-loan")
    assert product.status == LoanProduct.Status.DRAFT
    assert product.apr_max is not None
    assert product.term_aprs.count() == 10


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_amount": "50000"}, "The minimum amount cannot be more than the maximum amount."),
        ({"min_term_months": "24"}, "The minimum term cannot be more than the maximum term."),
        (
            {"interest_free_periods": "12"},
            "Interest-free months must be fewer than the maximum term.",
        ),
        ({"rate_value": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_an_invalid_product_is_a_clear_form_error(staff_client, overrides, message):
    lender = LenderFactory()

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_add"),
        product_form(lender, **overrides),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LoanProduct.objects.filter(slug="admin-loan").exists()


def test_publish_action_publishes_and_refuses_above_the_cap(staff_client, settings):
    settings.PLATFORM_MAX_APR = Decimal("24")
    cheap = LoanProductFactory(status=LoanProduct.Status.PENDING_REVIEW, name="Cheap")
    dear = LoanProductFactory(
        status=LoanProduct.Status.PENDING_REVIEW,
        name="Dear",
        rate_value=Decimal("1.5"),
        rate_unit="monthly",
        repayment_method="flat_fee",
    )

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_changelist"),
        {"action": "publish", "_selected_action": [cheap.pk, dear.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    cheap.refresh_from_db()
    dear.refresh_from_db()
    assert cheap.status == LoanProduct.Status.PUBLISHED
    assert dear.status == LoanProduct.Status.PENDING_REVIEW
    assert "Dear cannot be published: its APR reaches" in html
    assert "above the platform&#x27;s limit of 24%" in html


def test_pause_action_takes_products_off_the_site(staff_client):
    product = LoanProductFactory()

    staff_client.post(
        reverse("admin:lenders_loanproduct_changelist"),
        {"action": "pause", "_selected_action": [product.pk]},
    )

    product.refresh_from_db()
    assert product.status == LoanProduct.Status.PAUSED


def test_a_published_product_cannot_be_repriced_above_the_cap_in_admin(staff_client, settings):
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory()
    data = product_form(product.lender, slug=product.slug, name=product.name, rate_value="0.2")

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Pause it first or lower its price." in response.content.decode()
    product.refresh_from_db()
    assert product.rate_value == Decimal("0.0300")


def test_lender_page_lists_its_products_inline(staff_client):
    product = LoanProductFactory(name="Inline Loan")

    response = staff_client.get(reverse("admin:lenders_lender_change", args=[product.lender.pk]))

    assert response.status_code == 200
    assert "Inline Loan" in response.content.decode()


def test_lender_page_lists_its_products_one_line_each_linked_to_their_pages(
    staff_client, django_assert_max_num_queries
):
    """Not a stacked form per product: a product is edited on its own page."""
    lender = LenderFactory()
    products = LoanProductFactory.create_batch(12, lender=lender, name_en="Listed Loan")

    with django_assert_max_num_queries(20):
        page = staff_client.get(reverse("admin:lenders_lender_change", args=[lender.pk]))
    html = page.content.decode()

    assert 'class="js-inline-admin-formset inline-group" id="products-group"' in html
    assert "tabular" in html
    assert not re.search(r'name="products-\d+-(?!id"|lender")', html)  # no product fields
    assert html.count("Listed Loan") == 12
    for product in products:
        assert reverse("admin:lenders_loanproduct_change", args=[product.pk]) in html
    assert f"{reverse('admin:lenders_loanproduct_add')}?lender={lender.pk}" in html


def test_a_product_is_added_for_its_lender_from_the_lender_page(staff_client):
    lender = LenderFactory()

    page = staff_client.get(reverse("admin:lenders_loanproduct_add"), {"lender": lender.pk})

    assert f'<option value="{lender.pk}" selected>' in page.content.decode()


def test_lender_list_filters_by_status_and_searches(staff_client):
    LenderFactory(name="Findable Bank", status=Lender.Status.UNDER_REVIEW)

    response = staff_client.get(
        reverse("admin:lenders_lender_changelist"),
        {"q": "Findable", "status__exact": "under_review"},
    )

    assert "Findable Bank" in response.content.decode()


def test_eligibility_rules_are_edited_on_the_product_page(staff_client):
    product = LoanProductFactory()
    data = product_form(
        product.lender,
        slug=product.slug,
        name=product.name,
        **{
            "rules-TOTAL_FORMS": "1",
            "rules-0-min_age": "22",
            "rules-0-max_age": "55",
            "rules-0-min_monthly_income": "5000",
            "rules-0-occupations": ["salaried", "civil_servant"],
            "rules-0-cities": ["beijing"],
            "rules-0-income_multiple": "10",
        },
    )

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]), data
    )

    assert response.status_code == 302
    rules = EligibilityRules.objects.get(product=product)
    assert (rules.min_age, rules.max_age) == (22, 55)
    assert rules.occupations == ["salaried", "civil_servant"]
    assert rules.cities == ["beijing"]
    assert rules.min_monthly_income == Decimal("5000")


def test_the_purposes_a_product_serves_are_ticked_on_the_product_page(staff_client):
    """Given a cash loan ticked for home and education, its rules keep those purposes; the
    page offers every purpose and says what none ticked means."""
    product = LoanProductFactory()
    url = reverse("admin:lenders_loanproduct_change", args=[product.pk])
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Purposes served (none ticked: the category&#x27;s own)" in page
    assert 'name="rules-0-purposes" value="car"' in page
    data = product_form(
        product.lender,
        slug=product.slug,
        name=product.name,
        **{
            "rules-TOTAL_FORMS": "1",
            "rules-0-min_age": "18",
            "rules-0-max_age": "65",
            "rules-0-purposes": ["home", "education"],
        },
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert EligibilityRules.objects.get(product=product).purposes == ["home", "education"]


def test_rules_with_an_age_under_18_are_a_form_error(staff_client):
    product = LoanProductFactory()
    data = product_form(
        product.lender,
        slug=product.slug,
        name=product.name,
        **{"rules-TOTAL_FORMS": "1", "rules-0-min_age": "16", "rules-0-max_age": "55"},
    )

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Borrowers are at least 18" in response.content.decode()
    assert not EligibilityRules.objects.filter(product=product).exists()


# Lender onboarding: statuses change only through the actions, each recorded.

LENDERS = "admin:lenders_lender_changelist"


def lender_form(**overrides) -> dict:
    data = {
        "name": "Admin Bank",
        "slug": "admin-bank",
        "kind": "bank",
        "licence_number": "B000123",
        "licence_authority": "NFRA Beijing",
        "description": "",
        "website": "",
        "api_base_url": "https://api.admin-bank.example/v1",
        "contact_email": "",
        **inline_management("products"),
        **inline_management("events"),
    }
    data.update(overrides)
    return data


def act(client, action: str, objects, changelist: str = LENDERS, **extra):
    return client.post(
        reverse(changelist),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **extra},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_lender_added_in_admin_starts_as_applied(staff_client):
    response = staff_client.post(reverse("admin:lenders_lender_add"), lender_form())

    assert response.status_code == 302
    lender = Lender.objects.get(slug="admin-bank")
    assert lender.status == Lender.Status.APPLIED
    assert lender.api_base_url == "https://api.admin-bank.example/v1"


def test_a_lender_status_cannot_be_edited_on_its_page(staff_client):
    lender = LenderFactory(status=Lender.Status.APPLIED)
    url = reverse("admin:lenders_lender_change", args=[lender.pk])

    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    staff_client.post(url, lender_form(name=lender.name, slug=lender.slug, status="active"))

    assert 'name="status"' not in page
    lender.refresh_from_db()
    assert lender.status == Lender.Status.APPLIED


@pytest.mark.parametrize(
    ("url", "allow_http", "accepted"),
    [
        ("http://api.admin-bank.example/v1", True, False),
        ("http://127.0.0.1:8100/admin-bank", False, False),
        ("http://127.0.0.1:8100/admin-bank", True, True),
        ("api.admin-bank.example/v1", False, True),  # assumed https://
    ],
)
def test_the_admin_form_takes_only_an_https_api_address(
    staff_client, settings, url, allow_http, accepted
):
    settings.ALLOW_HTTP_LENDER_URLS = allow_http

    response = staff_client.post(
        reverse("admin:lenders_lender_add"),
        lender_form(api_base_url=url),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert Lender.objects.filter(slug="admin-bank").exists() == accepted
    if not accepted:
        assert response.status_code == 200
        assert "must start with https://" in response.content.decode()


def test_onboarding_actions_move_a_lender_and_record_who(staff_client):
    lender = LenderFactory(status=Lender.Status.APPLIED)

    act(staff_client, "start_review", [lender])
    act(staff_client, "activate", [lender])

    lender.refresh_from_db()
    assert lender.status == Lender.Status.ACTIVE
    steps = list(lender.events.values_list("to_status", "actor", "user__email"))
    assert steps == [
        ("under_review", "staff", "staff@example.test"),
        ("active", "staff", "staff@example.test"),
    ]


def test_suspending_asks_why_before_anything_changes(staff_client):
    lender = LenderFactory(name="Harbour Bank")

    asked = act(staff_client, "suspend", [lender])
    lender.refresh_from_db()
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    assert lender.status == Lender.Status.ACTIVE

    act(staff_client, "suspend", [lender], apply="1", reason="Licence under investigation.")

    lender.refresh_from_db()
    assert lender.status == Lender.Status.SUSPENDED
    assert lender.events.latest("pk").reason == "Licence under investigation."


def test_offboarding_without_a_reason_changes_nothing(staff_client):
    lender = LenderFactory()

    response = act(staff_client, "offboard", [lender], apply="1", reason="  ")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    lender.refresh_from_db()
    assert lender.status == Lender.Status.ACTIVE


def test_a_move_the_table_refuses_is_named_and_the_others_go_ahead(staff_client):
    applied = LenderFactory(name="Early Bank", status=Lender.Status.APPLIED)
    reviewed = LenderFactory(name="Ready Bank", status=Lender.Status.UNDER_REVIEW)

    response = staff_client.post(
        reverse(LENDERS),
        {"action": "activate", "_selected_action": [applied.pk, reviewed.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    html = response.content.decode()
    applied.refresh_from_db()
    reviewed.refresh_from_db()
    assert (applied.status, reviewed.status) == ("applied", "active")
    assert "Early Bank: A lender that is Applied cannot become Active." in html
    assert "1 lender is now Active." in html


def test_a_lender_page_shows_its_status_changes(staff_client):
    lender = LenderFactory()
    act(staff_client, "suspend", [lender], apply="1", reason="Complaints under review.")

    html = staff_client.get(
        reverse("admin:lenders_lender_change", args=[lender.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Complaints under review." in html
    assert "Suspended" in html
    assert 'name="events-0-reason"' not in html  # read-only


def test_product_review_actions_send_back_with_a_reason_and_publish(staff_client):
    products = "admin:lenders_loanproduct_changelist"
    product = LoanProductFactory(status=LoanProduct.Status.DRAFT, name="Review Loan")

    act(staff_client, "submit_for_review", [product], products)
    act(staff_client, "send_back", [product], products, apply="1", reason="Name the fee.")
    act(staff_client, "submit_for_review", [product], products)
    act(staff_client, "publish", [product], products)

    product.refresh_from_db()
    assert product.status == LoanProduct.Status.PUBLISHED
    html = staff_client.get(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Name the fee." in html
    assert product.events.count() == 4


# Signing secrets (hole 11: a lender created in admin had none, and no way to get one)


def test_a_new_lender_page_says_it_has_no_signing_secret(staff_client):
    lender = LenderFactory()

    html = staff_client.get(
        reverse("admin:lenders_lender_change", args=[lender.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "None yet: its applications cannot be sent." in html


def test_rotating_the_secret_asks_first_then_shows_it_once_and_keeps_it_encrypted(
    staff_client, caplog
):
    lender = LenderFactory()

    confirm = act(staff_client, "rotate_secret", [lender])
    lender.refresh_from_db()
    assert confirm.status_code == 200
    assert lender.webhook_secret == ""

    shown = act(staff_client, "rotate_secret", [lender], apply="1")

    html = shown.content.decode()
    lender.refresh_from_db()
    secret = lender.webhook_secret
    assert secret.startswith("whsec_")
    assert secret in html
    assert "no-store" in shown["Cache-Control"]
    # Kept nowhere in plain text: not in the row, a message cookie, the admin log or a log.
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret FROM lenders_lender WHERE id = %s", [lender.pk])
        assert secret not in cursor.fetchone()[0]
    assert all(secret not in morsel.value for morsel in shown.cookies.values())
    assert all(secret not in morsel.value for morsel in staff_client.cookies.values())
    entry = LogEntry.objects.get(object_id=str(lender.pk))
    assert secret not in entry.change_message
    assert secret not in caplog.text
    # Shown once: the lender's page never shows it again.
    page = staff_client.get(reverse("admin:lenders_lender_change", args=[lender.pk]))
    assert secret not in page.content.decode()


def test_a_rotation_keeps_the_previous_secret_verifying(staff_client):
    lender = LenderFactory()
    first = services.rotate_webhook_secret(lender=lender)

    act(staff_client, "rotate_secret", [lender], apply="1")

    lender.refresh_from_db()
    assert lender.previous_webhook_secret == first
    assert services.verification_secrets(lender) == [lender.webhook_secret, first]


def test_rotating_asks_for_exactly_one_lender(staff_client):
    lenders = LenderFactory.create_batch(2)

    response = staff_client.post(
        reverse(LENDERS),
        {"action": "rotate_secret", "_selected_action": [x.pk for x in lenders], "apply": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert "Choose exactly one lender" in response.content.decode()
    assert not Lender.objects.exclude(webhook_secret="").exists()


@pytest.mark.parametrize("kind", ["lender", "loanproduct"])
def test_staff_cannot_delete_a_lender_or_a_product_only_change_its_status(staff_client, kind):
    """A delete would skip the state machine's event and the catalogue's invalidation (and
    lose the records offboarding keeps): suspend, offboard, pause or send back instead."""
    product = LoanProductFactory()
    obj = product if kind == "loanproduct" else product.lender
    base = f"/admin/lenders/{kind}/"

    assert staff_client.get(f"{base}{obj.pk}/delete/").status_code == 403
    listing = staff_client.get(base).content.decode()
    assert "delete_selected" not in listing
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(("field", "cap"), [("daily_cap", "0"), ("monthly_cap", "-3")])
def test_a_cap_of_zero_or_below_is_a_clear_form_error_in_admin(staff_client, field, cap):
    product = LoanProductFactory()
    data = product_form(product.lender, slug=product.slug, name=product.name, **{field: cap})

    response = staff_client.post(
        reverse("admin:lenders_loanproduct_change", args=[product.pk]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "A cap is at least 1 application; leave it empty for no cap" in (
        response.content.decode()
    )
    product.refresh_from_db()
    assert (product.daily_cap, product.monthly_cap) == (None, None)


def test_caps_are_set_and_cleared_on_the_product_page(staff_client):
    product = LoanProductFactory()
    url = reverse("admin:lenders_loanproduct_change", args=[product.pk])
    form = product_form(product.lender, slug=product.slug, name=product.name)

    set_caps = staff_client.post(url, {**form, "daily_cap": "20", "monthly_cap": "400"})
    product.refresh_from_db()
    caps_set = (product.daily_cap, product.monthly_cap)
    cleared = staff_client.post(url, {**form, "daily_cap": "", "monthly_cap": ""})
    product.refresh_from_db()

    assert set_caps.status_code == cleared.status_code == 302
    assert caps_set == (20, 400)
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 today, 0 this month (Beijing time; counted while a cap is set)" in page
    assert (product.daily_cap, product.monthly_cap) == (None, None)
