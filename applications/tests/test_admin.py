"""Applications and what hangs off them are records: staff read them in admin and never
delete them, one by one or in bulk, not even a superuser. Admin speaks the page's language."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from applications.models import Application, Consent, Delivery, DeliveryAttempt
from devtools.testing.fixtures import submit
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def application(borrower, full_profile, django_capture_on_commit_callbacks):
    """Submitted to a lender with an API: it has a consent, events and a delivery, and the
    delivery one logged attempt."""
    lender = LenderFactory(api_base_url="https://api.lender.example/v1")
    application = submit(borrower, LoanProductFactory(lender=lender))
    DeliveryAttempt.objects.create(
        delivery=application.deliveries.get(),
        started_at=application.submitted_at,
        duration_ms=120,
        status_code=503,
    )
    return application


def records(application: Application) -> dict[str, object]:
    return {
        "application": application,
        "consent": Consent.objects.get(application=application),
        "delivery": Delivery.objects.get(application=application),
    }


def still_there(application: Application) -> bool:
    return (
        Application.objects.filter(pk=application.pk).exists()
        and Consent.objects.filter(application=application).exists()
        and application.events.count() >= 2
        and application.deliveries.count() == 1
        and DeliveryAttempt.objects.filter(delivery__application=application).count() == 1
    )


@pytest.mark.parametrize("model", ["application", "consent", "delivery"])
def test_a_superuser_cannot_delete_a_record_by_its_delete_page(
    staff_client, staff_user, application, model
):
    obj = records(application)[model]
    url = reverse(f"admin:applications_{model}_delete", args=[obj.pk])

    assert staff_user.is_superuser
    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert still_there(application)


@pytest.mark.parametrize("model", ["application", "consent", "delivery"])
def test_a_superuser_cannot_delete_records_in_bulk(staff_client, application, model):
    obj = records(application)[model]
    changelist = reverse(f"admin:applications_{model}_changelist")

    listing = staff_client.get(changelist).content.decode()
    staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )

    assert 'value="delete_selected"' not in listing
    assert still_there(application)


def test_events_deliveries_and_attempts_show_without_a_way_to_delete_them(
    staff_client, application
):
    """They are inlines of their application and delivery, read-only, with no delete box."""
    delivery = application.deliveries.get()

    application_page = staff_client.get(
        reverse("admin:applications_application_change", args=[application.pk])
    ).content.decode()
    delivery_page = staff_client.get(
        reverse("admin:applications_delivery_change", args=[delivery.pk])
    ).content.decode()

    assert "-DELETE" not in application_page
    assert "-DELETE" not in delivery_page
    assert "503" in delivery_page
    for model in ("applicationevent", "deliveryattempt"):
        assert all(m._meta.model_name != model for m in admin.site._registry)


def column_and_filter_titles(html: str) -> list[str]:
    columns = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
    filters = re.findall(r"<summary>\s*(.*?)\s*</summary>", html, re.S)
    texts = [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in columns + filters]
    return [text for text in texts if text]


def test_every_admin_list_names_its_columns_and_filters_in_chinese(staff_client, application):
    english = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        html = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        titles = column_and_filter_titles(html)

        assert titles, url
        english += [f"{url}: {title}" for title in titles if not CJK.search(title)]
    assert english == [], "\n".join(english)


def test_the_application_list_names_its_columns_in_english_on_the_english_admin(
    staff_client, application
):
    html = staff_client.get(
        reverse("admin:applications_application_changelist"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    titles = column_and_filter_titles(html)
    assert "Product" in titles
    assert "Submitted" in titles


def test_a_crafted_inline_delete_posted_to_the_application_page_deletes_no_event(
    staff_client, application
):
    """The change page has no delete boxes; a post that adds them anyway is ignored."""
    events = list(application.events.order_by("pk"))
    url = reverse("admin:applications_application_change", args=[application.pk])
    data = {
        "events-TOTAL_FORMS": str(len(events)),
        "events-INITIAL_FORMS": str(len(events)),
        "deliveries-TOTAL_FORMS": "1",
        "deliveries-INITIAL_FORMS": "1",
        "deliveries-0-id": str(application.deliveries.get().pk),
        "deliveries-0-DELETE": "on",
        "_save": "Save",
    }
    for i, event in enumerate(events):
        data |= {f"events-{i}-id": str(event.pk), f"events-{i}-DELETE": "on"}

    staff_client.post(url, data)

    assert still_there(application)


def test_a_crafted_inline_delete_posted_to_the_delivery_page_deletes_no_attempt(
    staff_client, application
):
    delivery = application.deliveries.get()
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    url = reverse("admin:applications_delivery_change", args=[delivery.pk])

    response = staff_client.post(
        url,
        {
            "log-TOTAL_FORMS": "1",
            "log-INITIAL_FORMS": "1",
            "log-0-id": str(attempt.pk),
            "log-0-DELETE": "on",
            "_save": "Save",
        },
    )

    assert response.status_code == 403
    assert still_there(application)


@pytest.mark.parametrize(
    ("model", "owner"),
    [
        ("auth_user", lambda application: application.borrower),
        ("lenders_lender", lambda application: application.lender),
        ("lenders_loanproduct", lambda application: application.product),
    ],
)
def test_deleting_what_an_application_belongs_to_takes_no_record_with_it(
    staff_client, application, model, owner
):
    """A borrower's account, a lender or a product with applications cannot be deleted in
    admin (one by one or in bulk): the records protect them."""
    obj = owner(application)
    single = reverse(f"admin:{model}_delete", args=[obj.pk])
    changelist = reverse(f"admin:{model}_changelist")

    staff_client.post(single, {"post": "yes"})
    staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )

    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert still_there(application)
