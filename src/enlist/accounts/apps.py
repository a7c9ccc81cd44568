from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # this module also holds the admin's config, below
    name = "enlist.accounts"
    label = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_session_ended, dispatch_uid="accounts-session-ended")


def _session_ended(sender, request, user, **kwargs) -> None:  # noqa: ANN001
    """A signed-out session (the button, the idle limit) leaves the user's session list."""
    from enlist.accounts.services import staff_session_forget

    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        staff_session_forget(session_key=key)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin (autodiscovery and all) with Enlist's site: an OTP-verified session only.

    Listed in INSTALLED_APPS instead of ``django.contrib.admin``, so ``admin.site`` and every
    ``@admin.register`` use :class:`enlist.accounts.admin_site.StaffAdminSite`.
    """

    default = False
    default_site = "enlist.accounts.admin_site.StaffAdminSite"
