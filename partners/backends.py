"""Authentication backends that load the account with its lender membership in one query.

Every page asks whether the signed-in account must use two-factor authentication
(``loanmarket.mfa.requires_mfa``), which for lender owners and managers reads their
membership, and the header links members to the portal. Joining the membership (and its
lender) when the session's account is loaded keeps that at no extra query per page.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class _WithMembership:
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("lender_membership__lender")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class MemberModelBackend(_WithMembership, ModelBackend):
    """Django's ``ModelBackend``, loading the membership with the account."""


class MemberAllauthBackend(_WithMembership, AuthenticationBackend):
    """allauth's backend, loading the membership with the account."""
