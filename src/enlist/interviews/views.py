"""Staff pages (calendar week, waiting queue, availability, a case's interviews and verdict
form) and the applicant's appointment page behind the signed link. Thin: services decide."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from enlist.accounts.models import StaffUser
from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import MISSION_ROLES, Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_cases_shown, audit_record
from enlist.cases.access import access_application
from enlist.cases.languages import application_language
from enlist.cases.page_access import case_page_refusal
from enlist.cases.workflow import Stage
from enlist.core.bounds import ID_MAX, int_from_text
from enlist.core.error_pages import SHOWN_INLINE
from enlist.core.keyset import page_number
from enlist.core.links import LinkInvalid, link_value
from enlist.errors import EnlistError, FieldError, InvalidInput
from enlist.interviews import services
from enlist.interviews.invitations import LINK_MAX_AGE, LINK_PURPOSE
from enlist.interviews.models import (
    AvailabilityException,
    Confidence,
    ExceptionKind,
    Interview,
    InterviewStatus,
    LanguageAbility,
    Readiness,
    WeeklyHours,
)
from enlist.interviews.selectors import (
    access_interview,
    case_interviews,
    case_verdicts,
    interview_summary,
    mission_week,
    waiting_queue,
    week_start,
)
from enlist.interviews.week_grid import week_grid
from enlist.missions.models import Mission

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


def _staff_mission(request: StaffRequest) -> Mission:
    """The mission whose interviews the page shows: the user's own, or (HQ) the one chosen."""
    user = request.user
    role = user.staff_role
    if role in MISSION_ROLES and user.mission is not None:  # a mission role has its mission
        return user.mission
    if role != Role.HQ:
        raise Http404
    code = request.GET.get("mission") or request.POST.get("mission")
    missions = Mission.objects.filter(is_active=True).order_by("code")
    mission = missions.filter(code=code).first() if code else missions.first()
    if mission is None:
        raise Http404
    return mission


def _missions_for(user: StaffUser) -> list[Mission]:
    if user.staff_role == Role.HQ:
        return list(Mission.objects.filter(is_active=True).order_by("code"))
    return []


@login_required
def calendar(request: StaffRequest) -> HttpResponse:
    mission = _staff_mission(request)
    zone = zoneinfo.ZoneInfo(mission.timezone)
    try:
        chosen = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        chosen = timezone.now().astimezone(zone).date()
    monday = week_start(chosen)
    days = mission_week(mission=mission, monday=monday)
    panel = sorted({a["who"] for day in days for a in day.availability})
    # One interviewer's week: the interviews they sit on and their own hours.
    interviewer = request.GET.get("interviewer", "")
    if interviewer not in panel:
        interviewer = ""
    interviews = [
        i
        for day in days
        for i in day.interviews
        if not interviewer or interviewer in (i["attache"], i["consul"])
    ]
    windows = [
        a for day in days for a in day.availability if not interviewer or a["who"] == interviewer
    ]
    context = {
        "mission": mission,
        "missions": _missions_for(request.user),
        "days": days,
        "grid": week_grid(
            days=[day.date for day in days],
            interviews=[dict(i, start=i["local_start"], end=i["local_end"]) for i in interviews],
            availability=windows,
        ),
        "panel": panel,
        "interviewer": interviewer,
        "interview_count": len(interviews),
        "monday": monday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
    }
    return render(request, "interviews/calendar.html", context)


QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: StaffRequest) -> HttpResponse:
    mission = _staff_mission(request)
    number = page_number(request)
    page = waiting_queue(
        user=request.user, mission=mission, now=timezone.now(), number=number, size=QUEUE_PAGE_SIZE
    )
    audit_cases_shown(
        actor=request.user,
        ids=[e.application.pk for e in page.entries],
        count=page.count,
        page=number,
        via="web",
        filters={"mission": mission.code, "stage": Stage.INTERVIEW.value},
    )
    return render(
        request,
        "interviews/queue.html",
        {
            "mission": mission,
            "missions": _missions_for(request.user),
            "entries": page.entries,
            "page": page,
            "number": number,
            "querystring": f"mission={mission.code}" if request.user.mission_id is None else "",
        },
    )


# --- availability --------------------------------------------------------------------------


def _id(value: str | None) -> int:
    """A numeric id from a form or query; 0 (found nowhere: 404) for anything else."""
    try:
        return int_from_text(value, field="id", minimum=1, maximum=ID_MAX)
    except InvalidInput:
        return 0


def _panel_member(request: StaffRequest) -> StaffUser:
    user = request.user
    if user.staff_role in (Role.ATTACHE, Role.CONSUL):
        return user
    if user.staff_role != Role.HQ:
        raise Http404
    member = (
        StaffUser.objects.filter(
            pk=_id(request.GET.get("staff") or request.POST.get("staff")),
            role__in=[Role.ATTACHE, Role.CONSUL],
        )
        .select_related("mission")
        .first()
    )
    if member is None:
        raise Http404
    return member


def _time(value: str) -> datetime.time | None:
    try:
        return datetime.time.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def availability(request: StaffRequest) -> HttpResponse:
    user = request.user
    if user.staff_role == Role.HQ and not (request.GET.get("staff") or request.POST.get("staff")):
        members = StaffUser.objects.filter(
            role__in=[Role.ATTACHE, Role.CONSUL], is_active=True
        ).select_related("mission")
        return render(
            request,
            "interviews/availability_members.html",
            {"members": members.order_by("mission__code", "username")},
        )
    member = _panel_member(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "weekly":
                hours = []
                for weekday, _label in WEEKDAYS:
                    for n in range(2):
                        start = request.POST.get(f"d{weekday}_{n}_start", "")
                        end = request.POST.get(f"d{weekday}_{n}_end", "")
                        if start or end:
                            hours.append((weekday, _time(start), _time(end)))
                services.weekly_hours_set(staff=member, actor=user, hours=hours)
            elif action == "exception":
                try:
                    day = datetime.date.fromisoformat(request.POST.get("date", ""))
                except ValueError:
                    raise InvalidInput(
                        [FieldError("date", _("Give a date (YYYY-MM-DD)."))]
                    ) from None
                services.availability_exception_add(
                    staff=member,
                    actor=user,
                    date=day,
                    kind=request.POST.get("kind", ""),
                    start=_time(request.POST.get("start", "")),
                    end=_time(request.POST.get("end", "")),
                )
            elif action == "remove":
                exception = AvailabilityException.objects.filter(
                    pk=_id(request.POST.get("exception")), staff=member
                ).first()
                if exception is None:
                    raise Http404
                services.availability_exception_remove(exception=exception, actor=user)
        except SHOWN_INLINE as exc:
            messages.error(request, exc.messages)
        else:
            messages.success(request, _("Availability saved."))
        url = reverse("interview-availability")
        return redirect(f"{url}?staff={member.pk}" if user.pk != member.pk else url)
    weekly = list(WeeklyHours.objects.filter(staff=member).order_by("weekday", "start"))
    rows = []
    for weekday, label in WEEKDAYS:
        days = [w for w in weekly if w.weekday == weekday][:2]
        blocks: list[WeeklyHours | None] = [*days, *[None] * (2 - len(days))]
        rows.append({"weekday": weekday, "label": label, "blocks": list(enumerate(blocks))})
    context = {
        "member": member,
        "rows": rows,
        "exceptions": AvailabilityException.objects.filter(
            staff=member, date__gte=timezone.now().date() - datetime.timedelta(days=1)
        ),
        "kinds": ExceptionKind.choices,
        "for_other": member.pk != user.pk,
    }
    return render(request, "interviews/availability.html", context)


# --- a case's interviews and the verdict form -------------------------------------------------


def _case_or_404(request: StaffRequest, application_id: uuid.UUID):
    application = access_application(user=request.user, application_id=application_id)
    if request.user.staff_role not in (Role.CLERK, Role.ATTACHE, Role.CONSUL, Role.HQ):
        raise Http404
    return application


@login_required
def case_page(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _case_or_404(request, application_id)
    # Need-to-know: verdicts and notes are the case's personal data.
    if refusal := case_page_refusal(request, application):
        return refusal
    role = request.user.staff_role
    context: dict[str, Any] = {
        "application": application,
        "reference": application.reference if not application.is_erased else "",
        "interviews": case_interviews(application=application),
        "verdicts": case_verdicts(application=application) if not application.is_erased else [],
        "can_record": role in services.PANEL_ROLES and application.stage == Stage.INTERVIEW,
        # A panel member records the no-show of an interview they sit on; HQ of any.
        "no_show_ids": {
            str(i.pk)
            for i in Interview.objects.filter(application=application).only(
                "id", "attache_id", "consul_id"
            )
            if services.may_record_no_show(actor=request.user, interview=i)
        },
        "slot_statuses": [InterviewStatus.BOOKED, InterviewStatus.CONFIRMED],
        "confidences": Confidence.choices,
        "readinesses": Readiness.choices,
        "abilities": LanguageAbility.choices,
        "documents": list(application.documents.all()) if not application.is_erased else [],
    }
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        target=application,
        detail={"via": "web", "fields": ["interviews", "verdicts", "reference"]},
    )
    return render(request, "interviews/case.html", context)


@login_required
@require_POST
def verdict(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _case_or_404(request, application_id)
    post = request.POST
    try:
        services.verdict_record(
            application=application,
            actor=request.user,
            assessment=services.Assessment(
                service_verified=post.get("service_verified") == "on",
                experience={key: post.get(key, "") for key in services.EXPERIENCE_KEYS},
                evidence_documents=post.getlist("evidence_documents"),
                evidence_source=post.get("evidence_source", ""),
                confidence=post.get("confidence", ""),
                readiness=post.get("readiness", ""),
                language_ability=post.get("language_ability", ""),
                recommend=post.get("recommend") == "yes",
                notes=post.get("notes", ""),
            ),
        )
    except SHOWN_INLINE as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(request, _("Verdict recorded."))
    return redirect(reverse("interview-case", args=[application_id]))


@login_required
@require_POST
def no_show(request: StaffRequest, interview_id: uuid.UUID) -> HttpResponse:
    interview = access_interview(user=request.user, interview_id=interview_id)
    try:
        services.interview_no_show(interview=interview, actor=request.user)
    except SHOWN_INLINE as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(request, _("No-show recorded."))
    return redirect(reverse("interview-case", args=[interview.application_id]))


# --- the applicant's appointment page (public, signed link) -----------------------------------


@never_cache
def invitation(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")
    try:
        interview_id = link_value(LINK_PURPOSE, token, max_age=LINK_MAX_AGE)
    except LinkInvalid as exc:
        return render(
            request, "interviews/invitation_invalid.html", {"message": exc.message}, status=410
        )
    interview = (
        Interview.objects.select_related(
            "mission", "venue", "application", "interpreter", "attache", "consul"
        )
        .filter(pk=interview_id)
        .first()
    )
    if interview is None or interview.application.is_erased:
        return render(
            request,
            "interviews/invitation_invalid.html",
            {"message": _("This appointment no longer exists.")},
            status=410,
        )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                services.interview_confirm(interview_id=interview.pk)
                messages.success(request, _("Thank you: your appointment is confirmed."))
            elif action == "reschedule":
                ranges = services.parse_ranges(
                    zip(request.POST.getlist("from"), request.POST.getlist("to"), strict=False),
                    today=timezone.now().date(),
                )
                services.interview_reschedule_request(interview_id=interview.pk, unavailable=ranges)
                messages.success(request, _("We will offer you another time by email."))
            elif action == "withdraw":
                if request.POST.get("sure") != "on":
                    messages.error(request, _("Tick the box to confirm that you withdraw."))
                else:
                    services.application_withdraw_by_applicant(interview_id=interview.pk)
                    messages.success(request, _("Your application has been withdrawn."))
        except EnlistError as exc:
            messages.error(request, exc.messages)
        return redirect(f"{reverse('interview-invitation')}?{urlencode({'t': token})}")
    interview.refresh_from_db()
    application = interview.application
    application.refresh_from_db(fields=["stage"])
    language = translation.get_language()
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # No language chosen on this browser: the one the invitation was written in.
        language = application_language(application)
    context = {
        "interview": interview_summary(interview),
        "status": interview.status,
        "open": application.is_open,
        "mission": interview.mission,
        "video_url": interview.venue.url if interview.venue.mode == "video" else "",
        "token": token,
    }
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = render(request, "interviews/invitation.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response
