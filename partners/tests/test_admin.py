"""Staff add lender members in admin; access records are read there and changed by no one."""

import pytest
from django.urls import reverse

from devtools.testing.accounts import create_member
from lenders.tests.factories import LenderFactory
from partners.models import LenderMembership, PersonalDataAccess

pytestmark = pytest.mark.django_db


def test_staff_add_a_member_to_a_lender(staff_client, borrower):
    lender = LenderFactory()
    response = staff_client.post(
        reverse("admin:partners_lendermembership_add"),
        {"user": borrower.pk, "lender": lender.pk, "role": "manager"},
    )
    assert response.status_code == 302
    assert LenderMembership.objects.get(user=borrower).lender == lender


def test_an_account_belongs_to_at_most_one_lender(staff_client):
    member = create_member(LenderFactory(), LenderMembership.Role.VIEWER)
    response = staff_client.post(
        reverse("admin:partners_lendermembership_add"),
        {"user": member.pk, "lender": LenderFactory().pk, "role": "viewer"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert LenderMembership.objects.filter(user=member).count() == 1


@pytest.fixture
def access(db):
    lender = LenderFactory()
    member = create_member(lender, LenderMembership.Role.VIEWER)
    return PersonalDataAccess.objects.create(
        user=member, lender=lender, kind=PersonalDataAccess.Kind.EXPORT, detail="3 applications"
    )


def test_staff_read_the_access_records(staff_client, access):
    listing = staff_client.get(reverse("admin:partners_personaldataaccess_changelist"))
    assert listing.status_code == 200
    page = staff_client.get(reverse("admin:partners_personaldataaccess_change", args=[access.pk]))
    assert "3 applications" in page.content.decode()


def test_nobody_edits_or_deletes_an_access_record(staff_client, access):
    change = reverse("admin:partners_personaldataaccess_change", args=[access.pk])
    staff_client.post(change, {"detail": "nothing happened"})
    delete = reverse("admin:partners_personaldataaccess_delete", args=[access.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert staff_client.get(reverse("admin:partners_personaldataaccess_add")).status_code == 403
    access.refresh_from_db()
    assert access.detail == "3 applications"
