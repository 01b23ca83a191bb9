"""Every write for borrowers: profiles, matches, applications and their forwarding."""

from .applying import (
    REQUIRED,
    ConsentMismatch,
    NotTakingApplications,
    disclose,
    fields_to_share,
    incomplete_steps,
    record_lender_event,
    steps_for,
    submit_application,
    withdraw_application,
)
from .borrowers import (
    create_profile,
    find_offers,
    national_id_index,
    record_identity_conflict,
    update_profile,
)
from .forwarding import create_delivery, deliver, resend, sweep_deliveries
from .notifications import notify_decision, notify_lender_inbox
from .offers import accept_offer, check_approval, decline_offer, offer_schedule, offer_token
from .transitions import transition

__all__ = [
    "REQUIRED",
    "ConsentMismatch",
    "NotTakingApplications",
    "accept_offer",
    "check_approval",
    "create_delivery",
    "create_profile",
    "decline_offer",
    "deliver",
    "disclose",
    "fields_to_share",
    "find_offers",
    "incomplete_steps",
    "national_id_index",
    "notify_decision",
    "notify_lender_inbox",
    "offer_schedule",
    "offer_token",
    "record_identity_conflict",
    "record_lender_event",
    "resend",
    "steps_for",
    "submit_application",
    "sweep_deliveries",
    "transition",
    "update_profile",
    "withdraw_application",
]
