"""The staff start page (``/staff/``): each role lands on what waits for it.

Thin: the queues come from ``workspace/selectors.py``; the cases they show are listed as
every list is (``case_summary``: high-risk names masked) and recorded as one list view.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from enlist.accounts.models import StaffUser
from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import Role
from enlist.audit.services import audit_cases_shown
from enlist.cases.presentation import case_summary
from enlist.cases.workflow import Stage
from enlist.reports.targets import waiting_days
from enlist.workspace import selectors
from enlist.workspace.selectors import Queue

# The queues that list cases, with their titles and the stage their full list filters on.
CASE_QUEUE_TITLES = {
    "to-screen": gettext_lazy("New cases to screen, oldest first"),
    "screening": gettext_lazy("In screening, oldest first"),
    "verdicts-owed": gettext_lazy("Verdicts you owe"),
}
CASE_QUEUE_STAGES = {"to-screen": Stage.SUBMITTED.value, "screening": Stage.SCREENING.value}


def _queues(user: StaffUser) -> list[Queue]:
    role = user.staff_role
    if role == Role.CLERK:
        return [
            selectors.mail_drafts_queue(user=user),
            selectors.stage_queue(user=user, stage=Stage.SUBMITTED, key="to-screen"),
            selectors.stage_queue(user=user, stage=Stage.SCREENING, key="screening"),
        ]
    if role in (Role.ATTACHE, Role.CONSUL):
        return [
            selectors.todays_interviews(user=user),
            selectors.verdicts_owed(user=user),
            selectors.stage_queue(user=user, stage=Stage.SCREENING, key="screening"),
        ]
    if role == Role.RECEPTION:
        return [selectors.expected_arrivals(user=user)]
    return []


@login_required
@require_GET
def staff_home(request: StaffRequest) -> HttpResponse:
    user = request.user
    role = user.staff_role
    now = timezone.now()
    queues = _queues(user)
    shown: list[str] = []
    for queue in queues:
        for item in queue.items:
            if application := item.pop("application", None):
                item["case"] = case_summary(application, role=role)
                item["waiting_days"] = waiting_days(application.stage_changed_at, now=now)
                shown.append(item["case"]["id"])
    context: dict[str, Any] = {
        "role": role,
        "queues": {queue.key.replace("-", "_"): queue for queue in queues},
        "case_queues": [
            (queue, CASE_QUEUE_TITLES[queue.key], stage)
            for queue in queues
            if (stage := CASE_QUEUE_STAGES.get(queue.key, "")) or queue.key in CASE_QUEUE_TITLES
        ],
        "pipeline": selectors.pipeline(user=user, now=now) if role == Role.HQ else [],
        "hq": selectors.hq_counts() if role == Role.HQ else {},
        "oversight": selectors.oversight_counts() if role in (Role.AUDITOR, Role.ADMIN) else {},
    }
    if shown:
        audit_cases_shown(actor=user, ids=shown, count=len(shown), page=1, via="web")
    return render(request, "workspace/home.html", context)
