from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True  # this module also holds the admin's config, below
    name = "enlist.accounts"
    label = "accounts"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin (autodiscovery and all) with Enlist's site: an OTP-verified session only.

    Listed in INSTALLED_APPS instead of ``django.contrib.admin``, so ``admin.site`` and every
    ``@admin.register`` use :class:`enlist.accounts.admin_site.StaffAdminSite`.
    """

    default = False
    default_site = "enlist.accounts.admin_site.StaffAdminSite"
