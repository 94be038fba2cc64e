from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosingConfig(AppConfig):
    name = "soscience.closing"
    verbose_name = _("Closing and follow-up")
