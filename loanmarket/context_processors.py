"""What every page's layout shows of who runs the site (the footer), from settings."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from . import legal


def operator(request: HttpRequest) -> dict:
    chinese = (get_language() or "").startswith("zh")
    return {
        "operator": {
            "name": settings.OPERATOR_NAME if chinese else settings.OPERATOR_NAME_EN,
            "icp_filing": settings.ICP_FILING,
            "icp_filing_url": settings.ICP_FILING_URL,
            "support_email": settings.SUPPORT_EMAIL,
            "complaints_email": settings.COMPLAINTS_EMAIL,
            "support_hours": settings.SUPPORT_HOURS,
        },
        "legal": {
            "privacy_version": legal.PRIVACY_POLICY_VERSION,
            "agreement_version": legal.USER_AGREEMENT_VERSION,
        },
    }
