from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Everything lender-facing: the partner API, the portal, the sandbox lender."""

    name = "partners"
    verbose_name = _("Partners")
