"""What the review page disclosed, signed, so that consent is bound to exactly that.

The review page carries a signed token of everything it showed: the lender, the product,
the amount and term, the APR, every fee and the totals, the profile fields that would be
sent and a fingerprint of their values, and the versions of the consent text and of the
lender's credit-inquiry authorisation. When the form is
posted, the same disclosure is built again from the current profile and price; consent
counts only if the two are equal. Otherwise nothing is written and the borrower sees the
new disclosure, told in words what changed.

The token is readable by whoever holds the page (``django.core.signing`` signs, it does not
encrypt), so it holds no personal value: the values are a keyed hash (HMAC under
``SECRET_KEY``, salted for this purpose), which cannot be reversed or guessed offline.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lenders.models import LoanProduct
from lenders.pricing import Schedule
from lenders.templatetags.money import cny, pct

from .models import BorrowerProfile

SIGNING_SALT = "applications.disclosure.consent"
VERSION = 2  # of the payload's shape: a page from before a change is reviewed again
FINGERPRINT_SALT = "applications.disclosure.shared-values"
FEES = ("upfront_fee", "monthly_service_fee", "flat_monthly_fee", "total_fees")
TOTALS = ("first_payment", "total_interest", "total_repayment")


@dataclass(frozen=True)
class Disclosure:
    """One review page's disclosure: ``payload`` is what is signed and compared; the
    schedule it was read from is kept for the page to render (the same figures)."""

    payload: dict
    schedule: Schedule = field(compare=False, repr=False)

    def signed(self) -> str:
        """The same token for the same disclosure (no timestamp in it): a page shown again
        carries exactly what it carried."""
        return _signer().sign_object(self.payload, compress=True)


def build(
    *,
    profile: BorrowerProfile,
    product: LoanProduct,
    schedule: Schedule,
    fields: list[str],
    consent_version: str,
    credit_inquiry_version: str,
) -> Disclosure:
    lender = product.lender
    return Disclosure(
        payload={
            "v": VERSION,
            "lender": [lender.pk, lender.name, lender.licence_number],
            "product": [product.pk, product.name],
            "amount": str(schedule.amount),
            "term_months": schedule.term_months,
            "apr": str(schedule.apr),
            "ear": str(schedule.ear),
            "fees": {name: str(getattr(schedule, name)) for name in FEES},
            "totals": {name: str(getattr(schedule, name)) for name in TOTALS},
            "fields": list(fields),
            "values": fingerprint(profile, fields),
            "consent_version": consent_version,
            "credit_inquiry_version": credit_inquiry_version,
        },
        schedule=schedule,
    )


def fingerprint(profile: BorrowerProfile, fields: list[str]) -> str:
    """A keyed hash of the values of ``fields``: equal exactly when every value is."""
    values = {name: _plain(getattr(profile, name)) for name in fields}
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return salted_hmac(FINGERPRINT_SALT, canonical, algorithm="sha256").hexdigest()


def _plain(value: object) -> object:
    """One spelling per value: 12000 and 12000.00 (as saved) are the same income."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _signer() -> signing.Signer:
    return signing.Signer(salt=SIGNING_SALT)


def unsign(token: str) -> dict | None:
    """The disclosure a page carried, or None if the token is missing or was altered."""
    try:
        return _signer().unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None


def changes(shown: dict | None, current: Disclosure) -> list[str]:
    """What differs between what the borrower saw and what holds now, in words."""
    now = current.payload
    if not isinstance(shown, dict) or shown.get("v") != now["v"] or set(shown) != set(now):
        return [_("We could not confirm what you were shown. Please review it again.")]
    found = []
    if (shown["lender"], shown["product"]) != (now["lender"], now["product"]):
        found.append(_("The lender's or the loan's details have changed."))
    if (shown["amount"], shown["term_months"]) != (now["amount"], now["term_months"]):
        found.append(
            _(
                "You reviewed %(old)s over %(old_term)s months; "
                "this is %(new)s over %(new_term)s months."
            )
            % {
                "old": _money(shown["amount"]),
                "old_term": shown["term_months"],
                "new": _money(now["amount"]),
                "new_term": now["term_months"],
            }
        )
    elif (shown["apr"], shown["ear"], shown["fees"], shown["totals"]) != (
        now["apr"],
        now["ear"],
        now["fees"],
        now["totals"],
    ):
        found.append(
            _(
                "The lender changed its price: the APR was %(old_apr)s and is now %(new_apr)s; "
                "the total repayment was %(old_total)s and is now %(new_total)s."
            )
            % {
                "old_apr": _percent(shown["apr"]),
                "new_apr": _percent(now["apr"]),
                "old_total": _money(shown["totals"]["total_repayment"]),
                "new_total": _money(now["totals"]["total_repayment"]),
            }
        )
    if shown["fields"] != now["fields"]:
        added = [name for name in now["fields"] if name not in shown["fields"]]
        removed = [name for name in shown["fields"] if name not in now["fields"]]
        if added:
            found.append(_("We would now also send: %(fields)s.") % {"fields": _labels(added)})
        if removed:
            found.append(_("We would no longer send: %(fields)s.") % {"fields": _labels(removed)})
        if not (added or removed):
            found.append(_("The information we would send has changed."))
    elif shown["values"] != now["values"]:
        found.append(_("Your profile has changed since you reviewed what we would send."))
    if shown["consent_version"] != now["consent_version"]:
        found.append(_("The wording of the consent has been updated."))
    if shown["credit_inquiry_version"] != now["credit_inquiry_version"]:
        found.append(_("The wording of the credit-inquiry authorisation has been updated."))
    return found or [_("We could not confirm what you were shown. Please review it again.")]


def _labels(names: list[str]) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(BorrowerProfile._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a page rendered before a field was renamed
            labels.append(name)
    return _(", ").join(labels)


def _money(value: str) -> str:
    return cny(Decimal(value))


def _percent(value: str) -> str:
    return pct(Decimal(value))
