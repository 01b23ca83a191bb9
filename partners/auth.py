"""Who is calling the partner API: one way a signed request becomes "this lender".

The lender names itself in ``X-Lender`` and signs the raw body by the Standard Webhooks
scheme (DESIGN.md, "Signatures") with its current secret, or for 24 hours after a rotation
its previous one. The body is read only after its size is checked.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader

from lenders import signing
from lenders.models import Lender
from lenders.services import verification_secrets
from loanmarket.crypto import UndecryptableValue

from .exceptions import BodyTooLarge, SecretUnavailable, Unauthenticated

# A callback is a few hundred bytes; nothing a lender sends us needs more.
MAX_BODY_BYTES = 64 * 1024


class SignedLender(APIKeyHeader):
    """django-ninja auth: the lender in ``X-Lender`` whose secret verifies the request's
    signature becomes ``request.auth``. Anything else raises a ``PartnerError`` (401, 413 or
    503), which the API answers as JSON."""

    param_name = "X-Lender"
    openapi_description = (
        "Your lender code, as given at onboarding. The request must also carry the Standard "
        "Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) over its raw body, "
        "signed with your secret."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> Lender:
        check_body_size(request)
        try:
            lender = Lender.objects.filter(slug=key or "").first()
        except UndecryptableValue:
            raise SecretUnavailable from None
        if lender is None:
            raise Unauthenticated(_("Unknown lender: name yourself in X-Lender."))
        try:
            signing.verify(
                secrets_to_try=verification_secrets(lender),
                headers=dict(request.headers.items()),
                body=request.body,
            )
        except signing.InvalidSignature:
            raise Unauthenticated(
                _("Bad signature, or a timestamp more than 300 s away.")
            ) from None
        return lender


def check_body_size(request: HttpRequest) -> None:
    """Refuse, by its Content-Length and before reading it, a body over ``MAX_BODY_BYTES``."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0  # as Django reads it: no body
    if length > MAX_BODY_BYTES:
        raise BodyTooLarge(MAX_BODY_BYTES)


signed_lender = SignedLender()
