from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo data, benchmarks and test helpers. No domain module imports this app."""

    name = "devtools"
    verbose_name = "Development tools"
