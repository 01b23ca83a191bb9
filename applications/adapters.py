"""django-allauth hooks: profiles at sign-up, and MFA secrets encrypted with our keys."""

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from loanmarket import crypto
from loanmarket.http import client_ip
from loanmarket.mfa import requires_mfa
from loanmarket.site import current_site, email_subject

from . import services
from .middleware import channel_of


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """Rate limits count per client, not per proxy (``loanmarket.http``)."""
        return client_ip(request) or ""

    def format_email_subject(self, subject: str) -> str:
        return email_subject(subject)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Emails name the site, not the host they were asked from (allauth would use the
        request's host, having no Site of ours)."""
        super().send_mail(template_prefix, email, {**context, "current_site": current_site()})

    def get_reauthentication_methods(self, user) -> list[dict]:
        """Staff with a second factor confirm access with it alone: offering their password
        or an emailed code there would only lead back to the code page."""
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and requires_mfa(user):
            second = [method for method in methods if method["id"].startswith("mfa_")]
            return second or methods
        return methods

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The link carries the sign-up's return address (a path here), encoded: opened in
        another browser, where the sign-up's session is not, it still leads back there."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        target = get_next_redirect_url(request) if request is not None else None
        if target and target.startswith("/") and not target.startswith("//"):
            return f"{url}?{urlencode({'next': target})}"
        return url

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.create_profile(user=user, channel=channel_of(request))
        return user


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds, encrypted with FIELD_ENCRYPTION_KEYS
    (allauth would otherwise store them in plain text)."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A role that requires two-factor keeps its TOTP (loanmarket/mfa.py)."""
        if authenticator.type == Authenticator.Type.TOTP and requires_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
