"""Borrower pages, one module per part of the journey: the profile in steps, matching,
applying (disclosure and consent), and the dashboard of applications."""

from .applying import apply
from .dashboard import accept_offer, applications, decline_offer, detail, withdraw
from .matching import PER_PAGE, match
from .profile import profile, profile_step

__all__ = [
    "PER_PAGE",
    "accept_offer",
    "applications",
    "apply",
    "decline_offer",
    "detail",
    "match",
    "profile",
    "profile_step",
    "withdraw",
]
