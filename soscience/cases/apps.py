from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "soscience.cases"
    verbose_name = _("Solutions library")
