"""Reads of visas: the guard's facts, the record and checklist of one case, the checklists."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from enlist.cases.models import Application
from enlist.missions.models import Mission
from enlist.visas.models import ChecklistItem, Visa


def visa_facts(application: Application) -> dict[str, Any]:
    """Facts for the visa → travel guard (`cases.workflow.visa_settled`); none when no visa."""
    visa = Visa.objects.filter(application_id=application.pk).only("status", "valid_until").first()
    if visa is None:
        return {}
    return {
        "visa_status": visa.status,
        "visa_valid_until": visa.valid_until,
        "visa_today": timezone.localdate(),
    }


def visa_of(application: Application) -> Visa | None:
    return Visa.objects.filter(application_id=application.pk).first()


def checklist_items(
    *, mission: Mission | None, visa_type: str | None = None, include_hq: bool = True
) -> QuerySet[ChecklistItem]:
    """Active required documents at `mission` (and, with include_hq, those HQ set for all)."""
    scope = Q(mission=mission) if mission is not None else Q(mission__isnull=True)
    if include_hq and mission is not None:
        scope |= Q(mission__isnull=True)
    items = ChecklistItem.objects.filter(scope, is_active=True).select_related("mission")
    if visa_type is not None:
        items = items.filter(visa_type=visa_type)
    return items.order_by("visa_type", "position", "pk")


def checklist_items_all() -> QuerySet[ChecklistItem]:
    """Every active required document, HQ's first, then by mission (HQ's checklist page)."""
    items = ChecklistItem.objects.filter(is_active=True).select_related("mission")
    return items.order_by("visa_type", "mission__code", "position", "pk")


def visa_checklist(application: Application, visa: Visa | None) -> list[dict[str, Any]]:
    """The required documents for the case's visa type, each with whether it is checked."""
    if visa is None or not visa.visa_type:
        return []
    checked = {m.item_id: m for m in visa.marks.select_related("checked_by")} if visa.pk else {}
    rows = []
    for item in checklist_items(mission=application.mission, visa_type=visa.visa_type):
        mark = checked.get(item.pk)
        rows.append(
            {
                "id": item.pk,
                "label": item.label,
                "hq_wide": item.mission_id is None,
                "checked": mark is not None,
                "checked_at": mark.checked_at if mark else None,
                "checked_by": mark.checked_by.username if mark and mark.checked_by else None,
            }
        )
    return rows


def visa_detail(application: Application) -> dict[str, Any]:
    """The visa of a case as shown to staff (pages and API); personal fields included."""
    visa = visa_of(application)
    if visa is None:
        return {
            "exists": False,
            "visa_type": None,
            "status": None,
            "applied_on": None,
            "number": None,
            "valid_from": None,
            "valid_until": None,
            "consular_notes": None,
            "updated_at": None,
            "updated_by": None,
            "checklist": [],
        }
    return {
        "exists": True,
        "visa_type": visa.visa_type or None,
        "status": visa.status,
        "applied_on": visa.applied_on,
        "number": visa.number,
        "valid_from": visa.valid_from,
        "valid_until": visa.valid_until,
        "consular_notes": visa.consular_notes,
        "updated_at": visa.updated_at,
        "updated_by": visa.updated_by.username if visa.updated_by else None,
        "checklist": visa_checklist(application, visa),
    }
