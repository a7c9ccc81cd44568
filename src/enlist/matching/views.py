"""HQ's review queue of possible duplicates: the list, one pair side by side, the decisions.

HQ only: for every other role these pages do not exist (404). Every page that shows cases
is audited before it renders; confirm and dismiss are audited by their services.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlist.accounts.request import StaffRequest
from enlist.audit.services import audit_cases_shown
from enlist.cases.page_access import case_page_refusal
from enlist.cases.view_records import audit_case_view
from enlist.errors import EnlistError
from enlist.matching.models import MatchCandidate
from enlist.matching.presentation import model_summary, pair_detail, queue_row
from enlist.matching.selectors import match_access, match_links, match_queue
from enlist.matching.services import match_confirm, match_dismiss, match_unlink

PAGE_SIZE = 25


def _pair_or_404(request: StaffRequest, candidate_id: uuid.UUID) -> MatchCandidate:
    return match_access(user=request.user, candidate_id=candidate_id)


@login_required
def match_queue_page(request: StaffRequest) -> HttpResponse:
    queryset = match_queue(user=request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [queue_row(c) for c in page.object_list]
    links = [queue_row(c) for c in match_links(user=request.user)] if page.number == 1 else []
    audit_cases_shown(
        actor=request.user,
        ids=[row[side]["id"] for row in rows + links for side in ("left", "right")],
        count=page.paginator.count,
        page=page.number,
        via="web",
    )
    context = {"page": page, "rows": rows, "links": links, "model": model_summary()}
    return render(request, "matching/queue.html", context)


@login_required
def match_pair_page(request: StaffRequest, candidate_id: uuid.UUID) -> HttpResponse:
    candidate = _pair_or_404(request, candidate_id)
    # Two cases opened (cases/gate.py): blocked views refused, each view counted; an open
    # pair's cases are in HQ's flow (in_review_queue), a decided pair's need a reason.
    for application in (candidate.left, candidate.right):
        if refusal := case_page_refusal(request, application):
            return refusal
    pair = pair_detail(candidate, user=request.user)
    audit_case_view(actor=request.user, application=candidate.left, shown=pair["left_case"],
                    via="web")  # fmt: skip
    audit_case_view(actor=request.user, application=candidate.right, shown=pair["right_case"],
                    via="web")  # fmt: skip
    return render(request, "matching/pair.html", {"pair": pair})


def _decide(request: StaffRequest, candidate_id: uuid.UUID, confirm: bool) -> HttpResponse:
    candidate = _pair_or_404(request, candidate_id)
    try:
        if confirm:
            match_confirm(candidate=candidate, actor=request.user, via="web")
        else:
            match_dismiss(candidate=candidate, actor=request.user, via="web")
    except EnlistError as exc:
        messages.error(request, exc.messages)
        return redirect(reverse("match-pair", args=[candidate_id]))
    if confirm:
        messages.success(request, _("Confirmed: both applications are now one person."))
    else:
        messages.success(request, _("Dismissed: this pair will not be proposed again."))
    return redirect("match-queue")


@login_required
@require_POST
def match_confirm_action(request: StaffRequest, candidate_id: uuid.UUID) -> HttpResponse:
    return _decide(request, candidate_id, confirm=True)


@login_required
@require_POST
def match_dismiss_action(request: StaffRequest, candidate_id: uuid.UUID) -> HttpResponse:
    return _decide(request, candidate_id, confirm=False)


@login_required
@require_POST
def match_unlink_action(request: StaffRequest, candidate_id: uuid.UUID) -> HttpResponse:
    """Undo a link (automatic or confirmed) with the reason typed beside the button."""
    candidate = _pair_or_404(request, candidate_id)
    try:
        match_unlink(
            candidate=candidate, actor=request.user, reason=request.POST.get("reason", ""),
            via="web",
        )  # fmt: skip
    except EnlistError as exc:
        messages.error(request, exc.messages)
        return redirect(reverse("match-pair", args=[candidate_id]))
    messages.success(request, _("Unlinked: the pair is back in the queue for a decision."))
    return redirect("match-queue")
