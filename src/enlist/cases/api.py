"""The staff case API: scoped lists, exact search, one case, and stage transitions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema

from enlist.accounts.auth import StaffTokenAuth
from enlist.accounts.request import StaffRequest
from enlist.audit.services import audit_cases_shown
from enlist.cases.access import access_application, application_to_read
from enlist.cases.bulk import BULK_MAX
from enlist.cases.gate import api_case_open
from enlist.cases.match_schemas import CaseMatchingOut
from enlist.cases.models import Application, Transfer
from enlist.cases.presentation import case_detail, case_summary
from enlist.cases.selectors import (
    WAITING_DAYS_MAX,
    CaseFilters,
    application_list,
    application_search,
)
from enlist.cases.services import application_transition
from enlist.cases.transfer import application_transfer, applications_transfer
from enlist.cases.view_records import audit_case_view
from enlist.cases.workflow import Stage
from enlist.core.bounds import PAGE_MAX
from enlist.core.schemas import ErrorsOut
from enlist.errors import FieldError, InvalidInput

router = Router(tags=["staff cases"], auth=StaffTokenAuth())
PAGE_SIZE = 50


class CaseSummaryOut(Schema):
    id: str
    reference: str
    stage: str
    given_name: str
    family_name: str
    nationality: str
    mission: str
    channel: str | None = None
    submitted_at: datetime.datetime | None = None
    stage_changed_at: datetime.datetime | None = None
    masked: bool | None = None  # a high-risk applicant: names masked until the case is opened
    withheld: bool | None = None  # oversight (auditors): every personal value withheld


class CaseListOut(Schema):
    count: int
    page: int
    pages: int
    items: list[CaseSummaryOut]


class ReasonOut(Schema):
    code: str
    message: str
    favourable: bool


class ScreeningOut(Schema):
    outcome: str
    priority: int
    reasons: list[ReasonOut]


class DocumentOut(Schema):
    id: str
    kind: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime
    verification: str
    verified_by: str | None
    verified_at: datetime.datetime | None


class TransferHistoryOut(Schema):
    from_mission: str
    to_mission: str
    actor: str
    reason: str | None
    at: datetime.datetime


class HistoryOut(Schema):
    from_stage: str | None
    to_stage: str
    actor: str | None
    actor_role: str
    reason: str | None
    at: datetime.datetime


class TransitionOptionOut(Schema):
    to: str
    label: str
    reason_required: bool


class CaseDetailOut(CaseSummaryOut):
    given_name_native: str | None = None
    family_name_native: str | None = None
    date_of_birth: datetime.date | None = None
    residence_country: str | None = None
    email: str | None = None
    phone: str | None = None
    passport_number: str | None = None
    languages: list[str] | None = None
    military_experience: dict[str, Any] | None = None
    held_from: str | None = None
    consent_at: datetime.datetime | None = None
    advisory_acknowledged_at: datetime.datetime | None = None
    screening: ScreeningOut | None = None
    documents: list[DocumentOut] | None = None
    history: list[HistoryOut] | None = None
    transfers: list[TransferHistoryOut] | None = None  # moves between missions (HQ)
    transitions: list[TransitionOptionOut]
    # Possible duplicates (matching issue): added field, present for the roles that see the
    # whole case.
    matching: CaseMatchingOut | None = None


class ListQuery(Schema):
    # An empty value is refused like any other value outside the schema (422 naming it).
    stage: Stage | None = None
    mission: str | None = Field(default=None, pattern=r"^[-a-zA-Z0-9_]{1,40}$")
    nationality: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    waiting_days: int | None = Field(default=None, ge=0, le=WAITING_DAYS_MAX)
    page: int = Field(default=1, ge=1, le=PAGE_MAX)


class SearchIn(Schema):
    q: str = Field(min_length=1, max_length=200)
    page: int = Field(default=1, ge=1, le=PAGE_MAX)


class TransitionIn(Schema):
    to: str = Field(max_length=20)
    reason: str = Field(default="", max_length=2000)


def _page(request: StaffRequest, queryset: QuerySet[Application], page: int) -> dict[str, Any]:
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        current = paginator.page(page)
    except EmptyPage:
        raise InvalidInput(
            [FieldError("page", f"There are {paginator.num_pages} page(s).")]
        ) from None
    role = request.user.staff_role
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": [case_summary(a, role=role) for a in current.object_list],
    }


@router.get(
    "/applications",
    response={200: CaseListOut, 401: ErrorsOut, 422: ErrorsOut},
    summary="Cases in scope",
    exclude_unset=True,  # reception: fields it may not see are absent, not null
)
def list_applications(request: StaffRequest, query: Query[ListQuery]) -> dict[str, Any]:
    filters = CaseFilters(
        stage=query.stage.value if query.stage else None,
        mission=query.mission,
        nationality=query.nationality,
        waiting_days=query.waiting_days,
    )
    page = _page(request, application_list(user=request.user, filters=filters), query.page)
    audit_cases_shown(
        actor=request.user,
        ids=[item["id"] for item in page["items"]],
        count=page["count"],
        page=page["page"],
        via="api",
        filters=vars(filters),
    )
    return page


@router.post(
    "/applications/search",
    response={200: CaseListOut, 401: ErrorsOut, 422: ErrorsOut},
    summary="Exact search by reference, name, passport number, email or phone",
    exclude_unset=True,
    description="The term travels in the body so that no personal value lands in a URL or log.",
)
def search_applications(request: StaffRequest, payload: SearchIn) -> dict[str, Any]:
    results = application_search(user=request.user, query=payload.q)
    page = _page(request, results, payload.page)
    audit_cases_shown(
        actor=request.user,
        ids=[item["id"] for item in page["items"]],
        count=page["count"],
        page=page["page"],
        via="api",
        search=True,
    )
    return page


NEED_TO_KNOW = (
    " Outside your normal flow (HQ: a case with no move only HQ may make; auditors: every case) "
    "give a reason: header `X-Access-Reason` (percent-encoded) or query `reason`; without "
    "one 428 names the field `reason`. 403: your case views are blocked (hourly limit), or "
    "the case is of a country whose advisory is `prosecuted`: outside your flow it opens only "
    "after a fresh second factor on the staff pages, which a token cannot give (the error "
    "names the field `step_up`)."
)


def _open(request: StaffRequest, application: Application, *, acting: bool = False) -> None:
    api_case_open(request, application, acting=acting)


# Before /applications/{application_id}: its path would otherwise take /applications/transfers.
class TransferIn(Schema):
    to_mission: str = Field(max_length=40)
    reason: str = Field(default="", max_length=2000)


class BulkTransferIn(TransferIn):
    ids: list[str] = Field(max_length=BULK_MAX)


class TransferOut(Schema):
    id: str
    application: str
    from_mission: str
    to_mission: str
    actor: str
    at: datetime.datetime


class BulkTransferOut(Schema):
    count: int
    transfers: list[TransferOut]


def _transfer_out(transfer: Transfer) -> dict[str, Any]:
    return {
        "id": str(transfer.pk),
        "application": str(transfer.application_id),
        "from_mission": transfer.from_mission.code,
        "to_mission": transfer.to_mission.code,
        "actor": transfer.actor.username,
        "at": transfer.at,
    }


TRANSFER_ERRORS = {401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut, 422: ErrorsOut}


@router.post(
    "/applications/transfers",
    response={200: BulkTransferOut, **TRANSFER_ERRORS},
    summary="Transfer several cases to another mission (HQ), all or nothing",
    description=(
        "`ids`: the explicit list of case ids (none listed twice, at most "
        f"{BULK_MAX}); an empty or malformed list is refused (422 naming `ids` or `ids[N]`), "
        "and one case that cannot move refuses the whole list. 403 for other roles."
    ),
)
def transfer_applications(request: StaffRequest, payload: BulkTransferIn) -> dict[str, Any]:
    transfers = applications_transfer(
        ids=payload.ids, to_mission=payload.to_mission, actor=request.user, reason=payload.reason
    )
    return {"count": len(transfers), "transfers": [_transfer_out(t) for t in transfers]}


@router.post(
    "/applications/{application_id}/transfer",
    response={200: TransferOut, **TRANSFER_ERRORS},
    summary="Transfer a case to another mission (HQ)",
    description=(
        "The case follows the volunteer: the receiving mission's staff see it from now on, the "
        "sending mission's get 404; its history, documents and duplicate links stay whole and "
        "an interview booked at the old mission is cancelled (the applicant and the panel get "
        "a cancellation). 403: only HQ transfers; 409: a closed or erased case; 422: `reason` "
        "missing or `to_mission` unknown or the case's own."
    ),
)
def transfer_application(
    request: StaffRequest, application_id: str, payload: TransferIn
) -> dict[str, Any]:
    application = access_application(user=request.user, application_id=application_id)
    transfer = application_transfer(
        application=application,
        to_mission=payload.to_mission,
        actor=request.user,
        reason=payload.reason,
    )
    return _transfer_out(transfer)


@router.get(
    "/applications/{application_id}",
    response={200: CaseDetailOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 422: ErrorsOut,
              428: ErrorsOut},
    summary="One case (404 outside your scope)",
    description="Auditors may read any case, read-only." + NEED_TO_KNOW,
    exclude_unset=True,
)  # fmt: skip
def get_application(request: StaffRequest, application_id: str) -> dict[str, Any]:
    application = application_to_read(user=request.user, application_id=application_id)
    _open(request, application)
    detail = case_detail(application, user=request.user)
    audit_case_view(actor=request.user, application=application, shown=detail, via="api")
    return detail


@router.post(
    "/applications/{application_id}/transitions",
    response={
        200: CaseDetailOut,
        401: ErrorsOut,
        403: ErrorsOut,
        404: ErrorsOut,
        409: ErrorsOut,
        422: ErrorsOut,
        428: ErrorsOut,
    },
    summary="Move a case to another stage",
    exclude_unset=True,
    description=(
        "403: your role may not make this move; 409: the move is not allowed from the current "
        "stage (or a guard fails); 422: a reason is required and missing. 403 also when your "
        "case views are blocked (hourly limit)."
    ),
)
def transition_application(
    request: StaffRequest, application_id: str, payload: TransitionIn
) -> dict[str, Any]:
    application = access_application(user=request.user, application_id=application_id)
    _open(request, application, acting=True)  # the move is the purpose; the view counts
    application_transition(
        application=application, to=payload.to, actor=request.user, reason=payload.reason
    )
    detail = case_detail(application, user=request.user)
    audit_case_view(actor=request.user, application=application, shown=detail, via="api")
    return detail
