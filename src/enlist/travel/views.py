"""Travel pages: HQ's meeting points, routes and checklists; reception's check-in; and the
volunteer's public instructions page behind the emailed link. Thin: services do the work."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.access import access_application
from enlist.cases.models import Document, DocumentKind
from enlist.cases.view_records import audit_document_view
from enlist.cases.workflow import Stage
from enlist.core.links import LinkInvalid
from enlist.errors import EnlistError, InvalidInput
from enlist.travel import selectors
from enlist.travel.forms import ChecklistItemForm, MeetingPointForm, RouteAdviceForm, ServiceForm
from enlist.travel.instructions import packet_instructions
from enlist.travel.models import ChecklistItem, MeetingPoint, RouteAdvice, TravelPacket
from enlist.travel.services import (
    CHECKIN_ROLES,
    CheckinRefused,
    checkin_confirm,
    checkin_identify,
    checklist_item_save,
    meeting_point_save,
    packet_link_revoke,
    packet_open,
    packets_regenerate,
    route_advice_save,
)

PACKET_PAGE_SIZE = 50


def _hq_only(request: StaffRequest) -> None:
    if request.user.staff_role != Role.HQ:
        raise Http404  # like a case outside scope: the page's existence is not shown


# --- HQ ----------------------------------------------------------------------------------


@login_required
def travel_overview(request: StaffRequest) -> HttpResponse:
    """Meeting points, routes, checklists and packets: codenames, dates and counts only."""
    _hq_only(request)
    today = timezone.now().date()
    context = {
        "today": today,
        "meeting_points": MeetingPoint.objects.all(),
        "current_point": selectors.meeting_point_current(today),
        "routes": RouteAdvice.objects.select_related("country"),
        "items": ChecklistItem.objects.all(),
        "packets": selectors.packet_counts(today=today),
        # Every case in travel has a packet: paged, as any list that grows with the cases.
        "page": Paginator(selectors.packets_current(), PACKET_PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
    }
    return render(request, "travel/overview.html", context)


FormT = TypeVar("FormT", bound=ServiceForm)


def _save_page(
    request: StaffRequest,
    *,
    form: FormT,
    save: Callable[[FormT], object],
    title: str,
    target: tuple[str, str] | None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except InvalidInput as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("travel-overview")
    if target is not None and request.method == "GET":
        # Operational secrets are shown in this form: who opened it is on record.
        audit_record(
            actor=request.user, action=AuditAction.VIEW, target=target, detail={"via": "web"}
        )
    return render(request, "travel/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_point_edit(request: StaffRequest, point_id: uuid.UUID | None = None) -> HttpResponse:
    _hq_only(request)
    point = get_object_or_404(MeetingPoint, pk=point_id) if point_id else None
    initial = {}
    if point is not None:
        initial = {
            name: getattr(point, name)
            for name in (
                "name",
                "address",
                "coordinates",
                "opening_hours",
                "contact_procedure",
                "valid_from",
                "valid_until",
            )
        }
    form = MeetingPointForm(request.POST or None, initial=initial)
    return _save_page(
        request,
        form=form,
        save=lambda f: meeting_point_save(
            actor=request.user, data=f.cleaned_data, meeting_point=point
        ),
        title=_("Meeting point"),
        target=("meeting_point", str(point.pk)) if point else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def route_edit(request: StaffRequest, route_id: uuid.UUID | None = None) -> HttpResponse:
    _hq_only(request)
    route = get_object_or_404(RouteAdvice, pk=route_id) if route_id else None
    initial = {}
    if route is not None:
        initial = {
            "country": route.country_id or "",
            "border_crossing": route.border_crossing,
            "transport": route.transport,
            "valid_from": route.valid_from,
            "valid_until": route.valid_until,
        }
    form = RouteAdviceForm(request.POST or None, initial=initial)
    return _save_page(
        request,
        form=form,
        save=lambda f: route_advice_save(actor=request.user, data=f.cleaned_data, route=route),
        title=_("Route advice"),
        target=("route_advice", str(route.pk)) if route else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def checklist_item_edit(request: StaffRequest, item_id: int | None = None) -> HttpResponse:
    _hq_only(request)
    item = get_object_or_404(ChecklistItem, pk=item_id) if item_id else None
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {
            "kind": item.kind,
            "name": item.name,
            "position": item.position,
            "is_active": item.is_active,
        } | {f"text_{code}": text for code, text in item.translations.items()}
    form = ChecklistItemForm(request.POST or None, initial=initial)
    return _save_page(
        request,
        form=form,
        save=lambda f: checklist_item_save(actor=request.user, data=f.service_data(), item=item),
        title=_("Checklist line"),
        target=None,
    )


@login_required
@require_POST
def packets_regenerate_view(request: StaffRequest) -> HttpResponse:
    _hq_only(request)
    try:
        made = packets_regenerate(
            actor=request.user, everything=request.POST.get("everything") == "1"
        )
    except EnlistError as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(request, _("New instructions made: %(count)s.") % {"count": made})
    return redirect("travel-overview")


@login_required
@require_POST
def packet_revoke_view(request: StaffRequest, packet_id: uuid.UUID) -> HttpResponse:
    _hq_only(request)
    packet = get_object_or_404(TravelPacket, pk=packet_id)
    access_application(user=request.user, application_id=packet.application_id)
    packet_link_revoke(packet=packet, actor=request.user)
    messages.success(request, _("The link to these instructions is closed."))
    return redirect("travel-overview")


# --- reception: check-in -----------------------------------------------------------------


def _checkin_only(request: StaffRequest) -> None:
    if request.user.staff_role not in CHECKIN_ROLES:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: StaffRequest) -> HttpResponse:
    """Scan or type a code (POST: the code never lands in a URL) → who it belongs to."""
    _checkin_only(request)
    if request.method == "GET":
        return render(request, "travel/checkin.html", {})
    code = request.POST.get("code", "").strip()
    try:
        packet, application = checkin_identify(code=code, actor=request.user)
    except CheckinRefused as exc:
        return render(request, "travel/checkin.html", {"refused": exc.message}, status=409)
    passport = (
        application.documents.filter(kind=DocumentKind.PASSPORT, content_type__startswith="image/")
        .order_by("-uploaded_at")
        .first()
    )
    context = {
        "code": code,
        "reference": application.reference,
        "name": application.full_name,
        "native_name": application.native_name,
        "passport": passport,
        "arrival_from": packet.arrival_from,
        "arrival_until": packet.arrival_until,
    }
    return render(request, "travel/checkin_identify.html", context)


@login_required
@require_POST
def checkin_confirm_view(request: StaffRequest) -> HttpResponse:
    _checkin_only(request)
    try:
        checkin_confirm(code=request.POST.get("code", ""), actor=request.user)
    except CheckinRefused as exc:
        return render(request, "travel/checkin.html", {"refused": exc.message}, status=409)
    except EnlistError as exc:
        return render(request, "travel/checkin.html", {"refused": exc.messages}, status=exc.status)
    messages.success(request, _("Checked in: the volunteer has arrived."))
    return redirect("checkin")


@login_required
def checkin_passport(request: StaffRequest, document_id: uuid.UUID) -> HttpResponse | FileResponse:
    """The passport photo page of a volunteer in travel, shown inline to identify them."""
    _checkin_only(request)
    document = Document.objects.filter(
        pk=document_id, kind=DocumentKind.PASSPORT, content_type__startswith="image/"
    ).first()
    if document is None:
        raise Http404
    application = access_application(user=request.user, application_id=document.application_id)
    if application.stage != Stage.TRAVEL:
        raise Http404
    audit_document_view(actor=request.user, document=document, via="web")
    return FileResponse(document.file.open("rb"), content_type=document.content_type)


# --- the volunteer (public, behind the emailed link) -------------------------------------


def _link_refused(request: HttpRequest, exc: EnlistError) -> HttpResponse:
    return render(request, "travel/packet_closed.html", {"message": exc.message}, status=410)


@never_cache
@require_http_methods(["GET"])
def packet_page(request: HttpRequest) -> HttpResponse:
    """The instructions, in the packet's language, with the PDF to download. Audited."""
    token = request.GET.get("t", "")
    try:
        packet = packet_open(token=token, what="travel_packet_page")
    except (LinkInvalid, EnlistError) as exc:
        return _link_refused(request, exc)
    request.LANGUAGE_CODE = packet.language
    with translation.override(packet.language):
        context = packet_instructions(packet) | {"token": token}
        response = render(request, "travel/packet_page.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET"])
def packet_pdf_download(request: HttpRequest) -> HttpResponse | FileResponse:
    token = request.GET.get("t", "")
    try:
        packet = packet_open(token=token, what="travel_packet_pdf")
    except (LinkInvalid, EnlistError) as exc:
        return _link_refused(request, exc)
    if not packet.pdf:  # the worker has not made it yet (the email follows the PDF)
        raise Http404
    return FileResponse(
        packet.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename="information.pdf",
    )
