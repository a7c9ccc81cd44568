"""Staff pages: a case's visa (read by the mission, recorded by the consul and HQ) and the
checklists of required documents. Thin: services and selectors do the work."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from enlist.accounts.request import StaffRequest
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.access import access_application
from enlist.cases.page_access import case_page_refusal
from enlist.core.bounds import ID_MAX, int_from_text
from enlist.core.error_pages import SHOWN_INLINE
from enlist.errors import InvalidInput, NotPermitted
from enlist.missions.names import mission_name
from enlist.visas.forms import visa_arguments
from enlist.visas.labels import VISA_FIELD_LABELS
from enlist.visas.models import VisaStatus, VisaType
from enlist.visas.selectors import checklist_items, checklist_items_all, visa_detail
from enlist.visas.services import (
    VISA_EDIT_ROLES,
    checklist_item_add,
    checklist_item_retire,
    visa_check_read,
    visa_update,
)

# The personal fields of a visa, named in the view's audit entry.
VISA_PERSONAL_FIELDS = ["visa.number", "visa.consular_notes"]


@login_required
def case_visa(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    application = access_application(user=request.user, application_id=application_id)
    try:
        visa_check_read(request.user)
    except NotPermitted:
        raise Http404 from None  # a role that reads no visa is not told this page exists
    if application.is_erased:
        raise Http404
    # Need-to-know: the visa number and consular notes are personal.
    if refusal := case_page_refusal(request, application):
        return refusal
    if request.method == "POST":
        try:
            visa_update(application=application, actor=request.user, **visa_arguments(request.POST))
        except SHOWN_INLINE as exc:
            messages.error(request, exc.messages)
        else:
            messages.success(request, _("Visa recorded."))
            return redirect("case-visa", application_id=application_id)
    visa = visa_detail(application)
    context = {
        "case_id": application.pk,
        "reference": application.reference,
        "visa": visa,
        "field_labels": VISA_FIELD_LABELS,
        "status_label": VisaStatus(visa["status"]).label if visa["status"] else "",
        "type_label": VisaType(visa["visa_type"]).label if visa["visa_type"] else "",
        "can_edit": request.user.staff_role in VISA_EDIT_ROLES,
        "visa_types": VisaType.choices,
        "statuses": VisaStatus.choices,
        "all_items": [],
    }
    if context["can_edit"]:
        # Every checklist of the mission, so that ticking works right after choosing a type.
        context["all_items"] = list(checklist_items(mission=application.mission))
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        target=application,
        detail={"via": "web", "fields": VISA_PERSONAL_FIELDS if visa["exists"] else []},
    )
    return render(request, "visas/case_visa.html", context)


@login_required
def visa_checklists(request: StaffRequest) -> HttpResponse:
    """The required documents per visa type: the consul's for their mission, HQ's for all."""
    user = request.user
    if user.staff_role not in VISA_EDIT_ROLES:
        raise NotPermitted(_("Only the consul or HQ keep the visa checklists."))
    if request.method == "POST":
        try:
            if request.POST.get("retire"):
                item_id = int_from_text(
                    request.POST["retire"], field="retire", minimum=1, maximum=ID_MAX
                )
                checklist_item_retire(actor=user, item_id=item_id)
                messages.success(request, _("Document taken off the checklist."))
            else:
                checklist_item_add(
                    actor=user,
                    visa_type=request.POST.get("visa_type", ""),
                    label=request.POST.get("label", ""),
                    hq_wide=user.mission_id is None,
                )
                messages.success(request, _("Document added to the checklist."))
        except InvalidInput as exc:
            if any(e.field == "retire" for e in exc.errors):
                messages.error(request, _("Unknown checklist item."))
            else:
                messages.error(request, exc.messages)
        except SHOWN_INLINE as exc:
            messages.error(request, exc.messages)
        return redirect("visa-checklists")
    # A consul sees their mission's items and HQ's; HQ sees every mission's.
    items = checklist_items(mission=user.mission) if user.mission_id else checklist_items_all()
    rows = [
        {
            "id": item.pk,
            "visa_type": VisaType(item.visa_type).label,
            "label": item.label,
            "mission": mission_name(item.mission) if item.mission is not None else None,
            "can_retire": user.mission_id is None or item.mission_id == user.mission_id,
        }
        for item in items
    ]
    return render(request, "visas/checklists.html", {"rows": rows, "visa_types": VisaType.choices})
