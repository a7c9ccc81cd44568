"""The dead-letter page: jobs that failed every attempt, for administrators only.

It lists kind, attempts, when and the last error (an exception's type and place, never a
personal value: payloads are ids only). Retry gives a job a new round of attempts; discard
deletes it. Opening the list and both actions are recorded in the audit trail. Other staff
(even with Django's staff flag) do not see it: the admin answers 403 / hides the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_lazy

from enlist.jobs.dead_letter import job_discard, job_retry
from enlist.jobs.events import dead_jobs_listed
from enlist.jobs.models import DeadJob, Job, JobStatus

if TYPE_CHECKING:
    from enlist.accounts.models import StaffUser


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and getattr(user, "role", "") == "admin")


def _administrator(request: HttpRequest) -> StaffUser:
    # Every path here is behind _is_admin (the page's and its actions' permissions): the user
    # is a signed-in staff user. jobs sits below accounts, so this names the type, not the class.
    return cast("StaffUser", request.user)


@admin.register(DeadJob)
class DeadJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "attempts", "max_attempts", "created_at", "finished_at",
                    "last_error"]  # fmt: skip
    list_filter = ["kind"]
    ordering = ["-finished_at", "-id"]
    actions = ["retry", "discard"]
    list_display_links = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        return super().get_queryset(request).filter(status=JobStatus.DEAD)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return _is_admin(request) and obj is None  # actions on the list; no edit form

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET" and _is_admin(request):
            dead_jobs_listed.send(
                sender=Job, actor=_administrator(request), count=self.get_queryset(request).count()
            )
        return super().changelist_view(request, extra_context)

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Job],
        act: Callable[..., object],
        done: str,
    ) -> None:
        """`act` on each selected job, each in its own transaction and audited; then how many
        (`done`, a message with a %(count)d)."""
        ids = list(queryset.values_list("pk", flat=True))
        for pk in ids:
            act(job_id=pk, actor=_administrator(request))
        self.message_user(request, done % {"count": len(ids)}, messages.INFO)

    @admin.action(description=gettext_lazy("Retry the selected jobs"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._each(request, queryset, job_retry, gettext("Queued again: %(count)d."))

    @admin.action(
        description=gettext_lazy("Discard the selected jobs (their work will not be done)")
    )
    def discard(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._each(request, queryset, job_discard, gettext("Discarded: %(count)d."))
