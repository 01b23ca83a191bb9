"""Reads for borrowers: their profile, and the products matching judges."""

import threading
from collections import defaultdict
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.urls import reverse

from lenders.models import EligibilityRules, LoanProduct, ProductTermApr
from lenders.selectors import LENDER_SECRETS, catalogue_version, published_products

from . import states
from .bands import Band, age_on
from .matching import Borrower, Catalogue, ProductFacts
from .models import Application, BorrowerProfile

_snapshot: tuple[str, Catalogue] | None = None
_snapshot_lock = threading.Lock()


def matchable_products() -> Catalogue:
    """Every published product of an active lender, with its rules, and its APR and largest
    installment per yuan at each term.

    Built once per catalogue version in each process (two queries), so a match reads no
    product from the database; any product, rule or lender change makes a new version.
    """
    global _snapshot
    version = catalogue_version()
    snapshot = _snapshot
    if snapshot is not None and snapshot[0] == version:
        return snapshot[1]
    with _snapshot_lock:
        if _snapshot is None or _snapshot[0] != version:
            _snapshot = (version, Catalogue(_load_products()))
        return _snapshot[1]


def _load_products() -> list[ProductFacts]:
    products: QuerySet[LoanProduct] = published_products().select_related("rules").order_by("pk")
    aprs: dict[int, dict[int, tuple]] = defaultdict(dict)
    rows = ProductTermApr.objects.filter(product__in=published_products().values("pk")).values_list(
        "product_id", "term_months", "apr", "max_payment_per_yuan"
    )
    for product_id, term, apr, payment in rows.iterator(chunk_size=20000):
        aprs[product_id][term] = (apr, payment)
    facts = []
    for product in products.iterator(chunk_size=2000):
        terms = aprs[product.pk]
        term_range = range(product.min_term_months, product.max_term_months + 1)
        rules = getattr(product, "rules", None)
        rule_fields = {}
        if rules is not None:
            rule_fields = {name: getattr(rules, name) for name in EligibilityRules.FIELDS}
            rule_fields["occupations"] = frozenset(rules.occupations)
            rule_fields["cities"] = frozenset(rules.cities)
            rule_fields["purposes"] = frozenset(rules.purposes)
        facts.append(
            ProductFacts(
                id=product.pk,
                name=product.name,
                name_en=product.name_en,
                url=product.get_absolute_url(),
                apply_url=reverse("applications:apply", args=[product.lender.slug, product.slug]),
                lender_name=product.lender.name,
                lender_name_en=product.lender.name_en,
                lender_kind=product.lender.kind,
                category=product.category,
                min_amount=product.min_amount,
                max_amount=product.max_amount,
                min_term=product.min_term_months,
                max_term=product.max_term_months,
                approval_minutes=product.approval_minutes,
                price=product.quoted_price,
                term_aprs=tuple(terms[t][0] for t in term_range),
                term_payments=tuple(terms[t][1] for t in term_range),
                **rule_fields,
            )
        )
    return facts


IDENTITY_FIELDS = ("full_name", "mobile", "national_id", "employer")


def profile_of(user: AbstractBaseUser, *, identity: bool = True) -> BorrowerProfile | None:
    """The user's own profile; without ``identity`` its encrypted fields stay unread."""
    profiles = BorrowerProfile.objects.filter(user=user)
    if not identity:
        profiles = profiles.defer(*IDENTITY_FIELDS)
    return profiles.first()


def borrower_from_profile(profile: BorrowerProfile, *, today) -> Borrower:
    """What matching may know of a saved profile (exact values, no identity)."""
    age = None
    if profile.date_of_birth:
        age = Band.exactly(age_on(profile.date_of_birth, today))
    income = None
    if profile.monthly_income is not None:
        income = Band.exactly(profile.monthly_income)
    return Borrower(
        age=age,
        monthly_income=income,
        city=profile.city,
        occupation=profile.occupation,
        months_in_job=profile.months_in_job,
        has_social_insurance=profile.has_social_insurance,
        monthly_debt_payments=profile.monthly_debt_payments,
        monthly_business_revenue=profile.monthly_business_revenue,
        years_trading=profile.years_trading,
    )


def own_applications(user: AbstractBaseUser) -> QuerySet[Application]:
    """The borrower's applications, newest first."""
    return (
        Application.objects.filter(borrower=user)
        .select_related("lender", "product")
        # Never decrypted for a borrower's page: the lender's secrets and the sent snapshot.
        .defer("shared_data", *LENDER_SECRETS)
    )


def own_application(user: AbstractBaseUser, application_id: UUID | str) -> Application:
    """One of the borrower's applications; anyone else's raises ``DoesNotExist`` (a 404)."""
    return own_applications(user).prefetch_related("events").get(pk=application_id)


def open_application_to(user: AbstractBaseUser, product: LoanProduct) -> Application | None:
    """The borrower's application to ``product`` that is still open, if any (one at most)."""
    return own_applications(user).filter(product=product).exclude(status__in=states.FINAL).first()
