from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "soscience.impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from soscience.impact import checks, signals

        signals.connect()
        checks.register()
