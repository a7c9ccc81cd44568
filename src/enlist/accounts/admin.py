"""The admin's pages for staff accounts, tokens and passkeys.

Every page that changes an account or a token (add, change, password, delete, bulk actions)
needs a fresh second factor (``accounts/step_up.py``); its audit entry names the signed-in
administrator (``audit/signals.py``). Passkeys can only be removed here, through the service
(audited, and the owner told by email); TOTP secrets are never shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from enlist.accounts.models import ApiToken, Passkey, StaffUser
from enlist.accounts.request import admin_user
from enlist.accounts.services import passkey_remove
from enlist.accounts.step_up import second_factor_fresh, step_up_redirect

if TYPE_CHECKING:  # what the mixin's super() calls reach: a ModelAdmin's views
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class StepUpAdminMixin(_AdminBase):
    """Add, change, delete and the bulk actions of the list only with a fresh second factor."""

    def _stepped_up(self, request: HttpRequest) -> HttpResponse | None:
        return None if second_factor_fresh(request.session) else step_up_redirect(request)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._stepped_up(request) or super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._stepped_up(request) or super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":  # an action on the selected rows
            refusal = self._stepped_up(request)
            if refusal is not None:
                return refusal
        return super().changelist_view(request, *args, **kwargs)


@admin.register(StaffUser)
class StaffUserAdmin(StepUpAdminMixin, UserAdmin):
    list_display = ["username", "role", "mission", "is_active", "last_login"]
    list_filter = ["role", "is_active", "mission"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Enlist", {"fields": ("role", "mission", "language")}),
    )
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Enlist", {"fields": ("role", "mission")}))

    def user_change_password(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._stepped_up(request) or super().user_change_password(request, *args, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(StepUpAdminMixin, admin.ModelAdmin):
    list_display = ["user", "label", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "digest", "created_at", "last_used_at"]
    fields = ["user", "label", "digest", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):  # tokens are issued by `enlist staff token`
        return False


_PASSKEY_FIELDS = ("user", "name", "created_at", "last_used_at", "sign_count")


@admin.register(Passkey)
class PasskeyAdmin(StepUpAdminMixin, admin.ModelAdmin):
    """Read-only list; deleting one removes a lost key (audited and notified)."""

    list_display = ["user", "name", "created_at", "last_used_at"]
    fields = _PASSKEY_FIELDS
    readonly_fields = _PASSKEY_FIELDS

    def has_add_permission(self, request):  # only their owner adds keys (security page)
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request: HttpRequest, obj: Passkey) -> None:
        passkey_remove(user=obj.user, actor=admin_user(request), passkey_uid=obj.uid)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Passkey]) -> None:
        for passkey in queryset.select_related("user"):
            passkey_remove(user=passkey.user, actor=admin_user(request), passkey_uid=passkey.uid)
