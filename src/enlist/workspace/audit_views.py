"""Auditor pages: the trail with filters, "who saw or changed case X", "what user Y did".

Auditors only: every other role gets 404, exactly as for a page that does not exist, and an
anonymous visitor the login page. The pages show ids, usernames, actions and the entries'
non-personal detail; never a case's contents.

In workspace, above the cases app: the pages resolve a case reference and name stages and
roles in words (``cases/selectors.py``, ``cases/labels.py``); the trail they read is
``audit/selectors.py``'s. The URLs stay under ``/audit/`` (``workspace/audit_urls.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import Role
from enlist.audit.models import AccessGrant, AuditAction, AuditEntry, AuditHead, ViewAlert
from enlist.audit.selectors import EntryFilters, audit_entries
from enlist.audit.services import audit_cases_shown
from enlist.audit.view_limits import view_limits
from enlist.cases.selectors import application_id_for_reference
from enlist.core.keyset import page_number, sequence_page
from enlist.errors import InvalidInput
from enlist.missions.models import Mission
from enlist.workspace.audit_presentation import (
    VIA_LABELS,
    action_label,
    detail_items,
    target_label,
)

PAGE_SIZE = 50


def auditor_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: StaffRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role != Role.AUDITOR:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _row(entry: AuditEntry, missions: dict[str, Mission]) -> dict[str, Any]:
    return {
        "sequence": entry.sequence,
        "at": entry.at,
        "actor": entry.actor_username,
        "role": entry.actor_role,
        "action": entry.action,
        "action_label": action_label(entry.action),
        "target_type": entry.target_type,
        "target_label": target_label(entry.target_type),
        "target_id": entry.target_id,
        "detail": detail_items(entry.detail or {}, missions=missions),
    }


MISSION_KEYS = ("mission", "from_mission", "to_mission")


@auditor_only
def entries_page(request: StaffRequest, application_id: uuid.UUID | None = None) -> HttpResponse:
    filters = EntryFilters(
        since=request.GET.get("since") or None,
        until=request.GET.get("until") or None,
        action=request.GET.get("action") or None,
        actor=request.GET.get("actor") or None,
        case=application_id,
    )
    error = None
    try:
        entries = audit_entries(filters=filters)
        # By keyset on the sequence, the count capped: the trail grows by millions of rows.
        page = sequence_page(
            entries, key="sequence", cursor=request.GET.get("after") or None, size=PAGE_SIZE
        )
    except InvalidInput as exc:
        error = exc.messages
        page = sequence_page(AuditEntry.objects.none(), key="sequence", cursor=None, size=1)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("after", None)
    head = AuditHead.objects.filter(pk=AuditHead.ONE).values_list("sequence", flat=True).first()
    grants = []
    if application_id is not None:
        # Why staff opened this case outside their flow (need-to-know). The text is sealed
        # with the volunteer's key: gone once the case is erased.
        for grant in AccessGrant.objects.filter(application_id=application_id).select_related(
            "user", "application__data_key"
        ):
            erased = grant.application.is_erased
            grants.append(
                {
                    "uid": str(grant.uid),
                    "at": grant.granted_at,
                    "actor": grant.user.username,
                    "role": grant.user.role,
                    "via": str(VIA_LABELS.get(grant.via, grant.via)),
                    "reason": None if erased else grant.reason,
                }
            )
    entries_shown = page.rows
    codes = {
        entry.detail[key]
        for entry in entries_shown
        for key in MISSION_KEYS
        if isinstance((entry.detail or {}).get(key), str)
    }
    # One read for the missions a page names, not one per entry.
    missions = Mission.objects.in_bulk(codes, field_name="code") if codes else {}
    context = {
        "page": page,
        "number": page_number(request) if page.previous else 1,
        "rows": [_row(entry, missions) for entry in entries_shown],
        "filters": filters,
        "case_id": application_id,
        "error": error,
        "lookup_error": request.GET.get("not_found") == "1",
        "querystring": params.urlencode(),
        "actions": AuditAction.choices,
        "chain_size": head or 0,
        "grants": grants,
    }
    return render(request, "workspace/audit_entries.html", context)


@auditor_only
@require_POST
def case_lookup(request: StaffRequest) -> HttpResponse:
    """Resolve a case reference (sent in the body: it is personal) to the case's page.

    The look-up itself is recorded like any search: an auditor learns that a case exists.
    """
    application_id = application_id_for_reference(text=request.POST.get("reference", "")[:100])
    found = [application_id] if application_id is not None else []
    audit_cases_shown(
        actor=request.user, ids=found, count=len(found), page=1, via="audit", search=True
    )
    if application_id is None:
        return redirect(f"{reverse('audit-entries')}?not_found=1")
    return redirect("audit-case", application_id=application_id)


@auditor_only
def alerts_page(request: StaffRequest) -> HttpResponse:
    """Staff who opened unusually many cases in an hour: flagged (soft) and blocked (hard)."""
    alerts = ViewAlert.objects.select_related("user", "cleared_by")
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    limits = sorted(
        (role, *view_limits(role)) for role in ("clerk", "attache", "consul", "reception", "hq",
                                                "auditor")
    )  # fmt: skip
    return render(request, "workspace/audit_alerts.html", {"page": page, "limits": limits})
