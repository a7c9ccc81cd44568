"""Staff pages: the case list, one case, and the actions on it. Thin: services do the work."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import CONTACT_ROLES, DOCUMENT_ROLES, NO_CASE_ROLES
from enlist.accounts.step_up import step_up_redirect
from enlist.audit.services import audit_cases_shown
from enlist.cases.access import access_application, application_to_read
from enlist.cases.bulk import (
    BULK_MAX,
    BulkAction,
    applications_bulk_transition,
    bulk_target,
    case_ids_read,
)
from enlist.cases.gate import grant_open, needs_reason
from enlist.cases.labels import stage_label
from enlist.cases.models import Application, DocumentKind, Verification
from enlist.cases.page_access import case_page_refusal
from enlist.cases.presentation import case_detail, case_summary, reads_full_case, sees_full_case
from enlist.cases.saved_filters import (
    saved_filter_delete,
    saved_filter_query,
    saved_filter_save,
)
from enlist.cases.selectors import (
    WAITING_DAYS_MAX,
    CaseFilters,
    application_list,
    application_page,
    application_search,
    countries_with_applications,
)
from enlist.cases.services import application_transition, document_add, document_verify
from enlist.cases.transfer_views import transfer_missions
from enlist.cases.view_records import audit_case_view, audit_document_view
from enlist.cases.workflow import Stage
from enlist.core.bounds import ID_MAX, REASON_MAX_LENGTH, int_from_text
from enlist.core.error_pages import SHOWN_INLINE
from enlist.core.keyset import KeysetPage, page_number
from enlist.errors import EnlistError, InvalidInput, NotFound, NotPermitted, StepUpRequired
from enlist.missions.models import Mission
from enlist.missions.names import country_choices, mission_name

PAGE_SIZE = 25


def _list_error(exc: InvalidInput) -> str:
    """The refusal as the page shows it: each message after the label of its field."""
    labels = {"waiting_days": _("Waiting at least (days)")}
    return " ".join(
        f"{labels[e.field]}: {e.message}" if e.field in labels else e.message for e in exc.errors
    )


def _filters(values: Any) -> CaseFilters:
    """The list's filters from the query string (or a form repeating it); InvalidInput
    naming a bad number."""
    waiting_days = values.get("waiting_days") or None
    return CaseFilters(
        stage=values.get("stage") or None,
        mission=values.get("mission") or None,
        nationality=values.get("nationality") or None,
        waiting_days=None
        if waiting_days is None
        else int_from_text(waiting_days, field="waiting_days", minimum=0, maximum=WAITING_DAYS_MAX),
    )


@login_required
def case_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    role = user.staff_role
    query = ""
    error = None
    try:
        filters = _filters(request.GET)
        if request.method == "POST":
            # Search terms are names and passport numbers: they come in the body, never the URL.
            query = request.POST.get("q", "").strip()
            queryset = application_search(user=user, query=query)
        else:
            queryset = application_list(user=user, filters=filters)
    except InvalidInput as exc:
        error = _list_error(exc)
        filters = CaseFilters()
        queryset = application_list(user=user, filters=filters)
    if request.method == "POST" and error is None:
        found = list(queryset)  # a search: at most SEARCH_LIMIT, shown on one page
        page = KeysetPage(found[:PAGE_SIZE], len(found), False, None, None)
    else:
        try:
            page = application_page(queryset, cursor=request.GET.get("after"), size=PAGE_SIZE)
        except InvalidInput as exc:
            error = _list_error(exc)
            page = application_page(queryset, cursor=None, size=PAGE_SIZE)
    number = page_number(request) if page.previous else 1
    params = request.GET.copy()
    for name in ("page", "after"):
        params.pop(name, None)
    context: dict[str, Any] = {
        "page": page,
        "number": number,
        "rows": [
            case_summary(a, role=role) | {"mission_name": mission_name(a.mission)}
            for a in page.rows
        ],
        "full": sees_full_case(role),
        "no_cases_role": role in NO_CASE_ROLES,
        "can_record": role in CONTACT_ROLES,
        "filters": filters,
        "query": query,
        "error": error,
        "querystring": params.urlencode(),
        "stages": [s.value for s in Stage],
        "missions": Mission.objects.all() if user.mission_id is None else [],
        "countries": country_choices(countries=countries_with_applications()),
        # bulk actions (cases/bulk.py): any stage the table has, held or sent to interview
        "bulk_stages": [s.value for s in Stage if s != Stage.SUBMITTED],
        "bulk_actions": BulkAction,
        "saved_filters": [
            (saved, saved_filter_query(saved)) for saved in request.user.saved_filters.all()
        ],
    }
    searched = request.method == "POST" and error is None
    audit_cases_shown(
        actor=user,
        ids=[row["id"] for row in context["rows"]],
        count=page.count,
        page=number,
        via="web",
        search=searched,
        filters=None if searched else vars(filters),
    )
    return render(request, "cases/case_list.html", context)


def _case_or_404(request: StaffRequest, application_id: uuid.UUID):
    return access_application(user=request.user, application_id=application_id)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail_page(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    """One case. Outside the user's normal flow (need-to-know) it first asks why: the form
    posts the reason here, which records it and holds a grant in the session for a while."""
    application = application_to_read(user=request.user, application_id=application_id)
    if request.method == "POST":
        return _give_reason(request, application)
    refusal = case_page_refusal(
        request, application, ask_reason=lambda: _reason_form(request, application)
    )
    if refusal is not None:
        return refusal
    case = case_detail(application, user=request.user)
    context = {
        "case": case,
        "full": reads_full_case(request.user.staff_role),
        "can_handle_documents": request.user.staff_role in DOCUMENT_ROLES,
        "document_kinds": DocumentKind.choices,
        "verifications": Verification.choices,
        "transfer_missions": transfer_missions(user=request.user, application=application),
    }
    audit_case_view(actor=request.user, application=application, shown=case, via="web")
    return render(request, "cases/case_detail.html", context)


def _reason_form(
    request: StaffRequest, application: Application, *, error: str | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "case_id": application.pk,
        "stage": application.stage,
        "error": error,
        "minutes": settings.ENLIST_NEED_TO_KNOW_MINUTES,
        "max_length": REASON_MAX_LENGTH,
    }
    return render(request, "cases/case_reason.html", context, status=status)


def _give_reason(request: StaffRequest, application: Application) -> HttpResponse:
    if needs_reason(user=request.user, application=application, session=request.session):
        try:
            grant_open(
                user=request.user,
                application=application,
                reason=request.POST.get("reason", ""),
                via="web",
                session=request.session,
            )
        except InvalidInput as exc:
            return _reason_form(request, application, error=exc.messages, status=422)
        except StepUpRequired:
            return step_up_redirect(request)
    return _after_action(application.pk)


def _after_action(application_id: uuid.UUID) -> HttpResponse:
    return redirect(reverse("case-detail", args=[application_id]))


def _report(request: StaffRequest, exc: EnlistError) -> None:
    messages.error(request, exc.messages)


@login_required
@require_POST
def case_transition(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _case_or_404(request, application_id)
    try:
        application_transition(
            application=application,
            to=request.POST.get("to", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except SHOWN_INLINE as exc:
        _report(request, exc)
    else:
        messages.success(
            request, _("Moved to %(stage)s.") % {"stage": stage_label(application.stage)}
        )
    if not access_application_or_none(request, application_id):
        return redirect("case-list")  # e.g. reception after check-in still sees it; others may not
    return _after_action(application_id)


@login_required
@require_POST
def case_filter_save(request: StaffRequest) -> HttpResponse:
    """Save the list's current filters under a name (or delete a saved one)."""
    if request.user.staff_role in NO_CASE_ROLES:
        raise NotPermitted(_("Your role does not give access to case contents."))
    try:
        if delete := request.POST.get("delete"):
            saved_filter_delete(
                user=request.user,
                filter_id=int_from_text(delete, field="delete", minimum=1, maximum=ID_MAX),
            )
            messages.success(request, _("Saved filter deleted."))
            return redirect("case-list")
        saved = saved_filter_save(
            user=request.user, name=request.POST.get("name", ""), filters=_filters(request.POST)
        )
    except InvalidInput as exc:
        messages.error(request, exc.messages)
        return redirect("case-list")
    messages.success(request, _("Filter saved."))
    query = saved_filter_query(saved)
    return redirect(f"{reverse('case-list')}?{query}" if query else reverse("case-list"))


def _bulk_refusal(exc: InvalidInput) -> str:
    """A refused selection in the reader's words, one sentence per field it names (the
    refusals of ``cases/bulk.py`` are the API's English)."""
    texts = {
        "ids": _("Select between 1 and %(max)s cases, each once.") % {"max": BULK_MAX},
        "action": _("Choose move, hold or send to scheduling."),
        "to": _("Choose the stage to move the cases to."),
    }
    fields = dict.fromkeys((error.field or "").split("[")[0] for error in exc.errors)
    return " ".join(texts.get(field, exc.messages) for field in fields)


@login_required
@require_POST
def case_bulk(request: StaffRequest) -> HttpResponse:
    """Selected cases of the list → one move each (cases/bulk.py), then what happened to
    each: moved, or refused with the reason."""
    if request.user.staff_role in NO_CASE_ROLES:
        raise NotPermitted(_("Your role does not give access to case contents."))
    try:
        ids = case_ids_read([value for value in request.POST.getlist("ids") if value])
        target = bulk_target(request.POST.get("action", ""), request.POST.get("to", ""))
    except InvalidInput as exc:
        messages.error(request, _bulk_refusal(exc))
        return redirect("case-list")
    outcomes = applications_bulk_transition(
        actor=request.user, ids=ids, to=target, reason=request.POST.get("reason", "")
    )
    moved = [o for o in outcomes if o.moved]
    context = {
        "target": target,
        "moved": moved,
        "refused": [o for o in outcomes if not o.moved],
        "back": request.POST.get("back", "") if url_is_local(request) else "",
    }
    return render(request, "cases/bulk_result.html", context)


def url_is_local(request: StaffRequest) -> bool:
    """The list's own query string, to return to the same filters (never another site)."""
    back = request.POST.get("back", "")
    return back.startswith("?") and "//" not in back


def access_application_or_none(request: StaffRequest, application_id: uuid.UUID) -> bool:
    try:
        access_application(user=request.user, application_id=application_id)
    except NotFound:
        return False
    return True


@login_required
@require_POST
def case_document_upload(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _case_or_404(request, application_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return _after_action(application_id)
    try:
        document_add(
            application=application,
            kind=request.POST.get("kind", ""),
            upload=upload,
            actor=request.user,
        )
    except SHOWN_INLINE as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Document uploaded."))
    return _after_action(application_id)


def _document_or_404(request: StaffRequest, application_id: uuid.UUID, document_id: uuid.UUID):
    application = _case_or_404(request, application_id)
    if not sees_full_case(request.user.staff_role):
        raise Http404
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document


@login_required
@require_POST
def case_document_verify(
    request: StaffRequest, application_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse | FileResponse:
    document = _document_or_404(request, application_id, document_id)
    try:
        document_verify(
            document=document, verification=request.POST.get("verification", ""), actor=request.user
        )
    except SHOWN_INLINE as exc:
        _report(request, exc)
    return _after_action(application_id)


@login_required
def case_document_download(
    request: StaffRequest, application_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse | FileResponse:
    document = _document_or_404(request, application_id, document_id)
    if refusal := case_page_refusal(request, document.application):
        return refusal
    audit_document_view(actor=request.user, document=document, via="web")
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        document.content_type, "bin"
    )
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=f"{document.kind}.{extension}",
    )
