from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from enlist.accounts.models import ApiToken, StaffUser


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    list_display = ["username", "role", "mission", "is_active", "last_login"]
    list_filter = ["role", "is_active", "mission"]
    fieldsets = (*UserAdmin.fieldsets, ("Enlist", {"fields": ("role", "mission")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Enlist", {"fields": ("role", "mission")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "digest", "created_at", "last_used_at"]
    fields = ["user", "label", "digest", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):  # tokens are issued by `enlist staff token`
        return False
