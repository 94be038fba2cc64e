from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    name = "soscience.execution"
    verbose_name = _("Running missions")
