"""System checks of the deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_client_address(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A proxy trusted for the scheme is a proxy: the client's address comes through it too."""
    behind_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    from_proxy = settings.TRUSTED_PROXY_COUNT > 0 or bool(settings.TRUSTED_CLIENT_IP_HEADER)
    if behind_proxy and not from_proxy:
        return [
            checks.Warning(
                "SECURE_PROXY_SSL_HEADER trusts a proxy, but the client's address is read "
                "from REMOTE_ADDR, the proxy's own: every client would share one address "
                "for rate limits and consent records.",
                hint="Set TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER.",
                id="loanmarket.W001",
            )
        ]
    return []
