"""A lender's approval, held to what the product publishes, and the borrower's answer when
it changed the terms (DESIGN.md, "Applying and application states").

``check_approval`` is the one check of an approval's amount, term and APR, whoever decides
(the partner API's callback now, the partner portal later: both through
``record_lender_event``). It writes nothing and prices the approval with our engine. When the
approved terms differ from those applied for, the borrower accepts them (``accept_offer``,
the lender told by a signed notice) or turns them down (``decline_offer``: a withdrawal).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lenders import pricing
from lenders.models import LoanProduct
from lenders.selectors import LENDER_SECRETS
from lenders.templatetags.money import cny, pct

from ..exceptions import OfferChanged, TermsOutOfRange
from ..models import Application, ApplicationEvent, Delivery
from .forwarding import create_delivery
from .transitions import transition

S = Application.Status


@dataclass(frozen=True)
class PricedApproval:
    """An approval as our engine prices it: the product's price at the approved APR."""

    price: pricing.QuotedPrice
    quote: pricing.Quote


def check_approval(
    *, product: LoanProduct, amount: Decimal, term_months: int, apr: Decimal
) -> PricedApproval:
    """Raise ``TermsOutOfRange`` (every reason, in words) unless the amount, term and APR lie
    within what ``product`` publishes and under ``PLATFORM_MAX_APR``; else the approval
    priced by our engine.

    What the product publishes: its amount range, its term range, and its APR range
    (``apr_min``–``apr_max``, the lowest and highest APR over every allowed amount and term,
    as the catalogue and product page show it). The APR is the true annual rate, as every APR
    here: the approval is priced as the product's own repayment method, fees and
    interest-free months at the rate whose APR is the approved one (``pricing.price_at_apr``;
    the product's own rate when it is already that APR). An APR below what the fees alone
    cost at this amount and term cannot be priced so, and is refused as well.
    """
    reasons = []
    if not product.min_amount <= amount <= product.max_amount:
        reasons.append(
            _(
                "The approved amount %(amount)s is outside the product's range of %(low)s to "
                "%(high)s."
            )
            % {
                "amount": cny(amount),
                "low": cny(product.min_amount),
                "high": cny(product.max_amount),
            }
        )
    if not product.min_term_months <= term_months <= product.max_term_months:
        reasons.append(
            ngettext(
                "The approved term of %(n)d month is outside the product's range of %(low)d to "
                "%(high)d months.",
                "The approved term of %(n)d months is outside the product's range of %(low)d to "
                "%(high)d months.",
                term_months,
            )
            % {"n": term_months, "low": product.min_term_months, "high": product.max_term_months}
        )
    if product.apr_min is None or not product.apr_min <= apr <= product.apr_max:
        reasons.append(
            _(
                "The approved APR of %(apr)s is outside the product's published APR range of "
                "%(low)s to %(high)s."
            )
            % {"apr": pct(apr), "low": pct(product.apr_min), "high": pct(product.apr_max)}
        )
    cap = settings.PLATFORM_MAX_APR
    if apr > cap:
        reasons.append(
            _("The approved APR of %(apr)s is above the platform's limit of %(cap)s.")
            % {"apr": pct(apr), "cap": pct(cap)}
        )
    if reasons:
        raise TermsOutOfRange(reasons)
    price = pricing.price_at_apr(
        product.quoted_price, amount=amount, term_months=term_months, apr=apr
    )
    if price is None:
        raise TermsOutOfRange(
            [
                _(
                    "The product's fees alone cost more than an APR of %(apr)s at this amount "
                    "and term; approve at the APR they come to, or more."
                )
                % {"apr": pct(apr)}
            ]
        )
    quote = pricing.quote(price, amount=amount, term_months=term_months)
    if quote.apr > cap:  # the cent rounding of a tiny loan's payments, past the limit
        raise TermsOutOfRange(
            [
                _("The approved APR of %(apr)s is above the platform's limit of %(cap)s.")
                % {"apr": pct(quote.apr), "cap": pct(cap)}
            ]
        )
    return PricedApproval(price=price, quote=quote)


def offer_schedule(
    *, application: Application, start: datetime.date | None = None
) -> pricing.Schedule | None:
    """The full disclosure of the approved terms (``None`` before an approval): the price
    fixed at approval, through the one engine."""
    price = application.decided_price
    if price is None:
        return None
    return pricing.build_schedule(
        price,
        amount=application.decision_amount,
        term_months=application.decision_term_months,
        start=start or timezone.localdate(),
    )


def offer_token(application: Application) -> str:
    """The approved terms as the page that offers them carries them, so that an answer is
    to exactly what the borrower saw."""
    return (
        f"{application.decision_amount}|{application.decision_term_months}|"
        f"{application.decision_apr}"
    )


def _locked_offer(*, borrower, application: Application, offer: str) -> Application:
    """The borrower's application, locked, if it still waits for an answer to ``offer``."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("lender")
        .defer("shared_data", *LENDER_SECRETS)
        .get(pk=application.pk, borrower=borrower)
    )
    if application.status == S.OFFER_ACCEPTED:
        raise OfferChanged(_("You have already accepted these terms."))
    if not application.awaits_acceptance:
        raise OfferChanged(
            _(
                "This application has no changed terms waiting for your answer now (it is "
                "%(status)s)."
            )
            % {"status": application.get_status_display()}
        )
    if offer != offer_token(application):
        raise OfferChanged(_("These are not the terms you saw. Please read them again."))
    return application


def _terms_in_words(application: Application) -> str:
    return ngettext(
        "%(amount)s over %(n)d month at an APR of %(apr)s",
        "%(amount)s over %(n)d months at an APR of %(apr)s",
        application.decision_term_months,
    ) % {
        "amount": cny(application.decision_amount),
        "n": application.decision_term_months,
        "apr": pct(application.decision_apr),
    }


@transaction.atomic
def accept_offer(*, borrower, application: Application, offer: str) -> Application:
    """The borrower accepts the changed terms ``offer`` (``offer_token``) that their page
    showed; the lender, which may now disburse, is told by a signed notice."""
    application = _locked_offer(borrower=borrower, application=application, offer=offer)
    transition(
        application=application,
        to=S.OFFER_ACCEPTED,
        actor=ApplicationEvent.Actor.BORROWER,
        detail=_("Accepted the changed terms: %(terms)s.")
        % {"terms": _terms_in_words(application)},
    )
    if application.lender.api_base_url:
        create_delivery(application=application, kind=Delivery.Kind.ACCEPTANCE)
    return application


@transaction.atomic
def decline_offer(*, borrower, application: Application, offer: str) -> Application:
    """The borrower turns the changed terms down: the application is withdrawn, and the
    lender told by the withdrawal notice."""
    from .applying import withdraw_application  # applying imports this module

    application = _locked_offer(borrower=borrower, application=application, offer=offer)
    return withdraw_application(
        borrower=borrower,
        application=application,
        detail=_("Turned down the changed terms: %(terms)s.")
        % {"terms": _terms_in_words(application)},
    )
