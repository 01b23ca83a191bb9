"""Profiles (encrypted) and matches (logged without personal data)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from lenders.selectors import closed_products
from loanmarket.crypto import blind_index, blind_indexes

from .. import matching
from ..bands import AGE_BANDS, INCOME_BANDS, age_on, band_of
from ..exceptions import DateOfBirthMismatch, DateOfBirthWithoutId, NationalIdTaken, UnderAge
from ..models import BorrowerProfile, IdentityConflict, MatchLog
from ..selectors import matchable_products
from ..validators import national_id_birth_date

NATIONAL_ID = "national_id"
DATE_OF_BIRTH = "date_of_birth"
ADULT_AGE = 18


def national_id_index(national_id: str) -> str:
    return blind_index(national_id, purpose=NATIONAL_ID)


@transaction.atomic
def create_profile(*, user: AbstractBaseUser, channel: str = "") -> BorrowerProfile:
    """An empty profile for a new account, remembering where the borrower came from."""
    profile, _created = BorrowerProfile.objects.get_or_create(
        user=user, defaults={"channel": channel[:50]}
    )
    return profile


def check_identity(*, fields: dict) -> None:
    """The national ID number and the date of birth, checked against each other as given,
    never against the saved profile (digits 7-14 of the saved number are the date of
    birth, hidden by its mask: an answer that depends on them gives them away). Writes
    nothing.

    A date of birth given without the number is refused whatever the date
    (``DateOfBirthWithoutId``). Given with it, it must be the date the number carries
    (``DateOfBirthMismatch``). The borrower must be 18 or older (``UnderAge``).
    """
    if NATIONAL_ID not in fields:
        if DATE_OF_BIRTH in fields:
            raise DateOfBirthWithoutId
        return
    carried = national_id_birth_date(fields[NATIONAL_ID])
    born = fields.get(DATE_OF_BIRTH, carried)
    if age_on(born, timezone.localdate()) < ADULT_AGE:
        raise UnderAge
    if born != carried:
        raise DateOfBirthMismatch


def update_profile(
    *, user: AbstractBaseUser, fields: dict, client_ip: str | None = None
) -> BorrowerProfile:
    """Save one step of the profile, once ``check_identity`` passes. A national ID number
    given without a date of birth brings the date it carries: the saved date of birth is
    always the saved number's. The national ID may belong to one account only: one held
    by another account is refused (``NationalIdTaken``) and the attempt recorded for staff
    review (``IdentityConflict``), after the refused save has rolled back."""
    check_identity(fields=fields)
    if NATIONAL_ID in fields:
        fields = {DATE_OF_BIRTH: national_id_birth_date(fields[NATIONAL_ID]), **fields}
    try:
        return _save_profile(user=user, fields=fields)
    except NationalIdTaken:
        record_identity_conflict(user=user, national_id=fields[NATIONAL_ID], client_ip=client_ip)
        raise


@transaction.atomic
def record_identity_conflict(
    *, user: AbstractBaseUser, national_id: str, client_ip: str | None
) -> IdentityConflict:
    """Who tried to save a number another account holds, from where, and that account;
    the number itself only as its blind index."""
    holder = (
        BorrowerProfile.objects.filter(
            national_id_index__in=blind_indexes(national_id, purpose=NATIONAL_ID)
        )
        .exclude(user=user)
        .values_list("user_id", flat=True)
        .first()
    )
    return IdentityConflict.objects.create(
        user=user,
        holder_id=holder,
        national_id_index=national_id_index(national_id),
        client_ip=client_ip,
    )


@transaction.atomic
def _save_profile(*, user: AbstractBaseUser, fields: dict) -> BorrowerProfile:
    profile, _created = BorrowerProfile.objects.select_for_update().get_or_create(user=user)
    if NATIONAL_ID in fields:
        national_id = fields[NATIONAL_ID]
        taken = BorrowerProfile.objects.filter(
            national_id_index__in=blind_indexes(national_id, purpose=NATIONAL_ID)
        ).exclude(pk=profile.pk)
        if taken.exists():
            raise NationalIdTaken
        profile.national_id_index = national_id_index(national_id)
    for name, value in fields.items():
        setattr(profile, name, value)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        if NATIONAL_ID not in fields:
            raise
        raise NationalIdTaken from None  # registered by another account a moment ago
    return profile


def find_offers(
    *,
    request: matching.LoanRequest,
    borrower: matching.Borrower,
    logged_in: bool,
    channel: str,
    sort: str = "apr",
    page: int = 1,
    per_page: int = 20,
) -> matching.MatchResult:
    """Match, and log the match with bands and counts only (never personal data). Products
    at their cap now are ranked unavailable, saying until when (``closed_products``)."""
    result = matching.match(
        request,
        borrower,
        matchable_products(),
        closed=closed_products(),
        sort=sort,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    MatchLog.objects.create(
        logged_in=logged_in,
        age_band=_band(borrower.age, AGE_BANDS),
        income_band=_band(borrower.monthly_income, INCOME_BANDS),
        city=borrower.city,
        occupation=borrower.occupation,
        amount=request.amount,
        term_months=request.term_months,
        purpose=request.purpose,
        eligible=result.eligible,
        undecided=result.undecided,
        ineligible=result.ineligible,
        channel=channel[:50],
    )
    return result


def _band(value, bands) -> str:
    return "" if value is None else band_of(value.low, bands)
