"""The unit section of the case page: the unit, every decision HQ made, and for HQ on an
arrived case the suggestion with its reasons and the confirm / override form."""

from __future__ import annotations

from typing import Any

from django import template

from enlist.accounts.roles import Role
from enlist.cases.models import Application
from enlist.cases.workflow import Stage
from enlist.logistics.models import Unit, UnitPreference
from enlist.logistics.presentation import suggestion_out
from enlist.logistics.selectors import assignment_history, suggestion_for

register = template.Library()


@register.inclusion_tag("logistics/case_section.html", takes_context=True)
def unit_section(context: template.Context, case_id: str) -> dict[str, Any]:
    user = context["request"].user
    application = Application.objects.select_related("nationality").get(pk=case_id)
    history = assignment_history(application)
    hq = user.staff_role == Role.HQ
    arrived = application.stage == Stage.ARRIVED
    preference = UnitPreference.objects.filter(application=application).select_related("unit")
    result: dict[str, Any] = {
        "case_id": case_id,
        "history": history,
        "current": next((h for h in history if h["current"]), None),
        "preference": preference.first(),
        "can_assign": hq and arrived,
        "can_prefer": hq and application.is_open,
        "csrf_token": context.get("csrf_token"),
    }
    if result["can_assign"] or result["can_prefer"]:
        result["units"] = list(Unit.objects.filter(is_active=True).order_by("name"))
    if result["can_assign"]:
        suggestion = suggestion_out(suggestion_for(application))
        result["suggestion"] = suggestion
        names = {unit.code: unit.name for unit in result["units"]}
        result["suggested_name"] = names.get(suggestion["unit"], suggestion["unit"])
    return result
