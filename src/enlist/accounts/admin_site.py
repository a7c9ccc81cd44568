"""The admin site: the same staff sign-in (password, then second factor) as the staff pages.

Like django-otp's ``OTPAdminSite``, only a session verified by a second factor gets in; unlike
it, the admin has no login form of its own: ``/admin/login/`` sends to the staff sign-in, so
lockout, enrolment and the idle timeout apply to the admin exactly as to the staff pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from enlist.accounts.middleware import is_verified

# The admin's own words that Django's and django-axes's Ukrainian catalogs do not translate
# (the index's column headers, axes's model names, a staff user's email field). Marked here
# so that makemessages keeps them in our catalogs, which come before the packages'
# (LOCALE_PATHS).
PACKAGE_MESSAGES_UNTRANSLATED = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # django-axes's columns, fields, filters and sections (its rows' names are English
    # f-strings, out of any catalog's reach).
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    # Django's Ukrainian for it keeps the English word ("email адреса").
    gettext_noop("email address"),
)


class StaffAdminSite(admin.AdminSite):
    site_header = _("Enlist administration")
    site_title = "Enlist"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_verified(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = index
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        if is_verified(request):
            # Signed in with both factors but not an administrator: sending them to the
            # sign-in again would loop.
            raise PermissionDenied
        return redirect_to_login(target, settings.LOGIN_URL)
