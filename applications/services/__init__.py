"""Every write for borrowers: profiles, matches, applications and their forwarding."""

from .applying import (
    REQUIRED,
    fields_to_share,
    incomplete_steps,
    steps_for,
    submit_application,
    transition,
    withdraw_application,
)
from .borrowers import create_profile, find_offers, national_id_index, update_profile
from .forwarding import deliver, resend, sweep_deliveries

__all__ = [
    "REQUIRED",
    "create_profile",
    "deliver",
    "fields_to_share",
    "find_offers",
    "incomplete_steps",
    "national_id_index",
    "resend",
    "steps_for",
    "submit_application",
    "sweep_deliveries",
    "transition",
    "update_profile",
    "withdraw_application",
]
