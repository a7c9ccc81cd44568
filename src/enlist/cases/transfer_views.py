"""The staff page action that moves a case to another mission (HQ only). Thin."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import Role
from enlist.cases.access import access_application
from enlist.cases.models import Application
from enlist.cases.transfer import application_transfer
from enlist.core.error_pages import SHOWN_INLINE
from enlist.missions.models import Mission
from enlist.missions.names import mission_name


def transfer_missions(*, user: object, application: Application) -> list[tuple[str, str]]:
    """The missions HQ may move this open case to (none for other roles or closed cases)."""
    if getattr(user, "role", None) != Role.HQ or application.is_erased or not application.is_open:
        return []
    missions = Mission.objects.filter(is_active=True).exclude(pk=application.mission_id)
    return [(m.code, mission_name(m)) for m in missions.order_by("code")]


@login_required
@require_POST
def case_transfer(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    application = access_application(user=request.user, application_id=application_id)
    try:
        transfer = application_transfer(
            application=application,
            to_mission=request.POST.get("to_mission", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except SHOWN_INLINE as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(
            request, _("Transferred to %(mission)s.") % {"mission": transfer.to_mission.code}
        )
    return redirect("case-detail", application_id)
