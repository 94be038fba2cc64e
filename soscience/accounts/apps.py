from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "soscience.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from soscience.accounts.sessions import on_logged_in

        user_logged_in.connect(on_logged_in, dispatch_uid="soscience_session_record")
