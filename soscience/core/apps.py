from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "soscience.core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from soscience.core import page_cache_checks, page_cache_signals

        page_cache_signals.connect()
        page_cache_checks.register()
