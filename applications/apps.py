from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    """Borrowers' profiles, matching and applications (built on lenders/)."""

    name = "applications"
    verbose_name = _("Borrowers and applications")
