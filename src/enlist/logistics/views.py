"""HQ's unit assignment page: arrived volunteers with their suggested unit and why, confirm
one or all, override with a reason, record a stated preference. Thin over the services."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import Role
from enlist.audit.services import audit_cases_shown
from enlist.cases.access import access_application
from enlist.cases.models import Application
from enlist.cases.presentation import case_summary
from enlist.core.error_pages import SHOWN_INLINE
from enlist.core.templatetags.reference_text import reference_text
from enlist.errors import NotPermitted
from enlist.logistics.presentation import suggestion_out
from enlist.logistics.selectors import (
    AWAITING_BATCH,
    awaiting_assignment,
    pending_suggestions,
    units_overview,
)
from enlist.logistics.services import unit_assign, unit_preference_record, units_assign_suggested

PAGE_SIZE = 50


def _hq_only(request: StaffRequest) -> None:
    if request.user.staff_role != Role.HQ:
        raise NotPermitted(_("Only HQ assigns volunteers to units."))


@login_required
def unit_assignments(request: StaffRequest) -> HttpResponse:
    _hq_only(request)
    applications = awaiting_assignment()
    # Suggested over the whole queue (places are shared), shown a page at a time.
    suggestions = pending_suggestions(applications)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "id": str(a.pk),
            "reference": a.reference,
            # the list's name: a high-risk volunteer's masked (cases/presentation.py)
            "name": _list_name(a, role=request.user.staff_role),
            "nationality": a.nationality_id,
            "languages": a.languages,
            "specialties": (a.military_experience or {}).get("specialties") or [],
            "suggestion": suggestion_out(suggestions[str(a.pk)]),
        }
        for a in page.object_list
    ]
    units = units_overview()
    names = {u["code"]: u["name"] for u in units}
    for row in rows:  # the suggested unit by its name (a code never reaches the page)
        row["suggested_name"] = names.get(row["suggestion"]["unit"], row["suggestion"]["unit"])
    audit_cases_shown(
        actor=request.user,
        ids=[r["id"] for r in rows],
        count=page.paginator.count,
        page=page.number,
        via="web",
    )
    context = {"rows": rows, "page": page, "units": units, "batch": AWAITING_BATCH}
    context["more_waiting"] = len(applications) == AWAITING_BATCH
    return render(request, "logistics/assignments.html", context)


def _list_name(application, *, role) -> str:
    summary = case_summary(application, role=role)
    return f"{summary['given_name']} {summary['family_name']}".strip()


def _case(request: StaffRequest, application_id):
    return access_application(user=request.user, application_id=application_id)


def _back(request: StaffRequest, application_id) -> HttpResponse:
    if request.POST.get("next") == "case":
        return redirect("case-detail", application_id=application_id)
    return redirect("unit-assignments")


def _hq_case_act(
    request: StaffRequest, application_id, act: Callable[[Application], str]
) -> HttpResponse:
    """HQ's form on one case: `act` does it and says what was done; a refusal is shown
    inline; back to the page the form was on."""
    # scope first: a case outside it is not found (404), whatever the role
    application = _case(request, application_id)
    _hq_only(request)
    try:
        done = act(application)
    except SHOWN_INLINE as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(request, done)
    return _back(request, application_id)


@login_required
@require_POST
def unit_assign_view(request: StaffRequest, application_id) -> HttpResponse:
    def assign(application: Application) -> str:
        assignment = unit_assign(
            application=application,
            unit_code=request.POST.get("unit", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
        # The unit's seeded English name in the reader's language, as the pages show it.
        return _("Assigned to %(unit)s.") % {"unit": reference_text(assignment.unit.name)}

    return _hq_case_act(request, application_id, assign)


@login_required
@require_POST
def unit_preference_view(request: StaffRequest, application_id) -> HttpResponse:
    def record(application: Application) -> str:
        unit_preference_record(
            application=application, unit_code=request.POST.get("unit", ""), actor=request.user
        )
        return _("Preference recorded.")

    return _hq_case_act(request, application_id, record)


@login_required
@require_POST
def unit_assign_all(request: StaffRequest) -> HttpResponse:
    _hq_only(request)
    ids = [value for value in request.POST.getlist("ids") if value]
    if not ids:
        messages.error(request, _("No volunteer was chosen: nothing was assigned."))
        return redirect("unit-assignments")
    try:
        done = units_assign_suggested(actor=request.user, application_ids=ids)
    except SHOWN_INLINE as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(request, _("%(count)d volunteers assigned.") % {"count": len(done)})
    return redirect("unit-assignments")
