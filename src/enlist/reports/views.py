"""Staff report pages: HQ's dashboard, a mission's view, their exports; the public
statistics page. Thin: filters from ``filters.py``, sections from ``dashboard.py``.

Who sees what: HQ sees the dashboard (every mission, or one by filter) and any mission's
view; a mission's clerk, attaché and consul see their own mission's view (``/staff/reports/``
takes them there) and get 404 for another mission's, as for its cases; other roles get 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import MISSION_ROLES, Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.errors import InvalidInput
from enlist.missions.models import Mission
from enlist.missions.names import country_choices, mission_choices
from enlist.missions.place_names import country_name_from_code
from enlist.reports.dashboard import dashboard_sections
from enlist.reports.export import sections_csv, sections_xlsx
from enlist.reports.filters import report_filters
from enlist.reports.public import GROUPS
from enlist.reports.services import public_snapshot_current

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _mission_in_scope(request: StaffRequest, code: str) -> Mission:
    role = request.user.staff_role
    mission = Mission.objects.filter(code=code).first()
    if mission is None:
        raise Http404()
    if role == Role.HQ:
        return mission
    if role in MISSION_ROLES and request.user.mission_id == mission.pk:
        return mission
    raise Http404()  # another mission's figures: as for its cases, no sign it exists


def _context(request: StaffRequest, mission: Mission | None):
    error = None
    try:
        filters, chosen = report_filters(request.GET, mission=mission)
    except InvalidInput as exc:
        error = exc
        filters, chosen = report_filters({}, mission=mission)
    return filters, chosen, error


def _page(request: StaffRequest, mission: Mission | None) -> HttpResponse:
    filters, chosen, error = _context(request, mission)
    sections = dashboard_sections(filters, mission_view=mission is not None)
    params = request.GET.copy()
    return render(
        request,
        "reports/dashboard.html",
        {
            "mission": mission,
            "chosen": chosen,
            "filters": filters,
            "sections": sections,
            "error": error,
            "missions": mission_choices() if mission is None else [],
            "countries": country_choices(),
            "querystring": params.urlencode(),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def reports_home(request: StaffRequest) -> HttpResponse:
    role = request.user.staff_role
    if role == Role.HQ:
        return _page(request, None)
    mission = request.user.mission
    if role in MISSION_ROLES and mission is not None:
        return redirect("reports-mission", mission_code=mission.code)
    raise Http404()


@login_required
@require_GET
def reports_mission(request: StaffRequest, mission_code: str) -> HttpResponse:
    return _page(request, _mission_in_scope(request, mission_code))


def _export(request: StaffRequest, mission: Mission | None, fmt: str) -> HttpResponse:
    try:
        filters, chosen = report_filters(request.GET, mission=mission)
    except InvalidInput:
        raise Http404() from None
    sections = dashboard_sections(filters, mission_view=mission is not None)
    if fmt == "csv":
        wanted = request.GET.get("section", "")
        section = next((s for s in sections if s.key == wanted), None)
        if section is None:
            raise Http404()
        sections = [section]
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=None,
        detail={
            "via": "web",
            "count": sum(len(s.rows) for s in sections),
            "filters": {
                "report": ",".join(s.key for s in sections),
                "format": fmt,
                "from": filters.start.isoformat(),
                "to": filters.end.isoformat(),
                "mission": chosen.code if chosen else "",
                "nationality": filters.nationality or "",
            },
        },
    )
    name = f"enlist-{chosen.code if chosen else 'all'}-{filters.start}-{filters.end}"
    if fmt == "csv":
        response = HttpResponse(sections_csv(sections[0]), content_type="text/csv; charset=utf-8")
        name += f"-{sections[0].key}.csv"
    else:
        response = HttpResponse(sections_xlsx(sections), content_type=XLSX)
        name += ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def reports_export(request: StaffRequest, fmt: str) -> HttpResponse:
    if request.user.staff_role != Role.HQ:
        raise Http404()
    return _export(request, None, fmt)


@login_required
@require_GET
def reports_mission_export(request: StaffRequest, mission_code: str, fmt: str) -> HttpResponse:
    return _export(request, _mission_in_scope(request, mission_code), fmt)


@require_GET
def public_statistics(request: HttpRequest) -> HttpResponse:
    """The public page: the stored snapshot and how it was made safe to publish."""
    from enlist.reports import charts

    snapshot = public_snapshot_current()
    figures = snapshot.figures
    # Country names in the reader's language (the stored name is the English one).
    nationality = sorted(
        ((country_name_from_code(code), n) for code, n in figures["by_nationality"].items()),
        key=lambda row: (row[1] is None, -(row[1] or 0), row[0]),
    )
    shown = [(label, n) for label, n in nationality if n is not None]
    groups = [(_group_label(g), figures["by_stage_group"][g]) for g in GROUPS]
    weeks = sorted(figures["by_week"].items())
    return render(
        request,
        "reports/public.html",
        {
            "snapshot": snapshot,
            "figures": figures,
            "nationality": nationality,
            "groups": groups,
            "weeks": weeks,
            "nationality_chart": charts.bar_chart(
                title=_("Volunteers by nationality"),
                desc=_("Published counts by nationality; smaller groups are not shown."),
                labels=[label for label, _n in shown],
                series=[(_("Volunteers"), [n for _label, n in shown])],
            ),
            "week_chart": charts.line_chart(
                title=_("Applications by week"),
                desc=_("Published counts of applications per week (a gap: not published)."),
                x_labels=[week for week, _n in weeks],
                series=[(_("Applications"), [n or 0 for _week, n in weeks])],
            ),
            "generated": timezone.localtime(snapshot.computed_at),
        },
    )


def _group_label(group: str) -> str:
    return {
        "applied": _("Applied (submitted or being screened)"),
        "in_process": _("In process (interview to arrival, or on hold)"),
        "enlisted": _("Enlisted"),
        "closed": _("Closed (referred, rejected or withdrawn)"),
    }[group]
