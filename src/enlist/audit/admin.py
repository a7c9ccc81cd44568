"""The admin's one audit page: view alerts, and clearing a block (recorded in the trail)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from enlist.accounts.request import admin_user
from enlist.audit.models import AlertLevel, ViewAlert
from enlist.audit.view_limits import views_unblock


@admin.register(ViewAlert)
class ViewAlertAdmin(admin.ModelAdmin):
    list_display = ["user", "level", "hour", "count", "threshold", "raised_at", "cleared_at"]
    list_filter = ["level", "cleared_at"]
    actions = ["unblock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Clear the block: let these users open cases again"))
    def unblock(self, request: HttpRequest, queryset: QuerySet[ViewAlert]) -> None:
        blocked = queryset.filter(level=AlertLevel.HARD, cleared_at__isnull=True)
        usernames = sorted(set(blocked.values_list("user__username", flat=True)))
        for username in usernames:
            views_unblock(username=username, actor=admin_user(request))
        if usernames:
            done = gettext("Cleared: %(users)s.") % {"users": ", ".join(usernames)}
        else:
            done = gettext("None of the selected alerts was an open block.")
        self.message_user(request, done, messages.INFO)
