"""HQ's review queue of possible duplicates in the staff API (HQ only: 404 for every other
role, like a case outside one's scope)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from ninja import Field, Query, Router, Schema

from enlist.accounts.auth import StaffTokenAuth
from enlist.accounts.request import StaffRequest
from enlist.audit.services import audit_cases_shown
from enlist.cases.api import CaseDetailOut
from enlist.cases.gate import api_case_open
from enlist.cases.match_schemas import EvidenceOut
from enlist.cases.view_records import audit_case_view
from enlist.core.bounds import PAGE_MAX
from enlist.core.schemas import ErrorsOut
from enlist.errors import FieldError, InvalidInput
from enlist.matching.presentation import pair_detail, queue_row
from enlist.matching.selectors import match_access, match_queue
from enlist.matching.services import match_confirm, match_dismiss

router = Router(tags=["possible duplicates (HQ)"], auth=StaffTokenAuth())
PAGE_SIZE = 50


class PairSideOut(Schema):
    id: str
    reference: str
    mission: str
    stage: str
    submitted_at: datetime.datetime


class PairOut(Schema):
    id: str
    probability: float
    status: str  # open | confirmed | dismissed | linked (automatically, undoable by HQ)
    model_version: int  # the matching model version that scored the pair
    found_at: datetime.datetime
    left: PairSideOut
    right: PairSideOut
    evidence: list[EvidenceOut]


class PairListOut(Schema):
    count: int
    page: int
    pages: int
    items: list[PairOut]


class PairDetailOut(PairOut):
    decided_at: datetime.datetime | None
    decided_by: str | None
    left_case: CaseDetailOut
    right_case: CaseDetailOut


class DecisionOut(Schema):
    id: str
    status: str
    person: str | None = None


class QueueQuery(Schema):
    page: int = Field(default=1, ge=1, le=PAGE_MAX)


@router.get(
    "/duplicates",
    response={200: PairListOut, 401: ErrorsOut, 404: ErrorsOut, 422: ErrorsOut},
    summary="Open pairs of possible duplicates, highest probability first (HQ)",
)
def list_pairs(request: StaffRequest, query: Query[QueueQuery]) -> dict[str, Any]:
    paginator = Paginator(match_queue(user=request.user), PAGE_SIZE)
    try:
        current = paginator.page(query.page)
    except EmptyPage:
        raise InvalidInput(
            [FieldError("page", f"There are {paginator.num_pages} page(s).")]
        ) from None
    items = [queue_row(c) for c in current.object_list]
    audit_cases_shown(
        actor=request.user,
        ids=[item[side]["id"] for item in items for side in ("left", "right")],
        count=paginator.count,
        page=current.number,
        via="api",
    )
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": items,
    }


@router.get(
    "/duplicates/{candidate_id}",
    response={200: PairDetailOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 428: ErrorsOut},
    summary="One pair with both cases side by side (HQ)",
    description="403: your case views are blocked (hourly limit). A decided pair's cases are "
    "outside HQ's flow: give a reason (header X-Access-Reason or query reason); 428 without.",
    exclude_unset=True,
)
def get_pair(request: StaffRequest, candidate_id: str) -> dict[str, Any]:
    candidate = match_access(user=request.user, candidate_id=candidate_id)
    # Two cases opened (cases/gate.py): blocked views refused (403), each view counted; an
    # open pair's cases are in HQ's flow (in_review_queue), a decided pair's need a reason.
    api_case_open(request, candidate.left, candidate.right)
    pair = pair_detail(candidate, user=request.user)
    pair.pop("rows")
    audit_case_view(actor=request.user, application=candidate.left, shown=pair["left_case"],
                    via="api")  # fmt: skip
    audit_case_view(actor=request.user, application=candidate.right, shown=pair["right_case"],
                    via="api")  # fmt: skip
    return pair


@router.post(
    "/duplicates/{candidate_id}/confirm",
    response={200: DecisionOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut},
    summary="Confirm: the two applications are one person (HQ)",
    description="409 when the pair was already confirmed or dismissed (nothing changes).",
)
def confirm_pair(request: StaffRequest, candidate_id: str) -> dict[str, Any]:
    candidate = match_access(user=request.user, candidate_id=candidate_id)
    person = match_confirm(candidate=candidate, actor=request.user, via="api")
    return {"id": str(candidate.pk), "status": candidate.status, "person": str(person.pk)}


@router.post(
    "/duplicates/{candidate_id}/dismiss",
    response={200: DecisionOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut},
    summary="Dismiss: different people; never proposed again (HQ)",
    description="409 when the pair was already confirmed or dismissed (nothing changes).",
)
def dismiss_pair(request: StaffRequest, candidate_id: str) -> dict[str, Any]:
    candidate = match_access(user=request.user, candidate_id=candidate_id)
    match_dismiss(candidate=candidate, actor=request.user, via="api")
    return {"id": str(candidate.pk), "status": candidate.status}
