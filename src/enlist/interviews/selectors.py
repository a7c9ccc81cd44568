"""Reads on interviews: the door to one interview (scope), a case's interviews and verdicts,
the waiting queue of a mission and its calendar week."""

from __future__ import annotations

import datetime
import heapq
import itertools
import uuid
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.cases.access import applications_in_scope
from enlist.cases.models import Application, Document, Verification
from enlist.cases.screening import MILITARY_DOCUMENT_KINDS, Outcome
from enlist.cases.selectors import application_screening
from enlist.cases.workflow import Stage
from enlist.core.keyset import capped_count
from enlist.errors import NotFound
from enlist.interviews.booking import horizon_for, mission_settings, owner_windows
from enlist.interviews.models import (
    SLOT_STATUSES,
    AvailabilityException,
    Interview,
    InterviewStatus,
    Verdict,
    WeeklyHours,
    interviewed,
)
from enlist.missions.models import Mission


def access_interview(
    *, user: StaffUser, interview_id: str | uuid.UUID, for_update: bool = False
) -> Interview:
    """The interview if its case is in the user's scope; NotFound otherwise (and for bad ids)."""
    try:
        key = interview_id if isinstance(interview_id, uuid.UUID) else uuid.UUID(str(interview_id))
    except ValueError:
        raise NotFound() from None
    queryset = Interview.objects.filter(
        pk=key, application__in=applications_in_scope(user=user)
    ).select_related("mission", "venue", "attache", "consul", "interpreter")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    interview = queryset.first()
    if interview is None:
        raise NotFound()
    return interview


def interview_summary(interview: Interview) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(interview.mission.timezone)
    return {
        "id": str(interview.pk),
        "status": interview.status,
        "start": interview.start,
        "end": interview.end,
        "local_start": interview.start.astimezone(zone),
        "local_end": interview.end.astimezone(zone),
        "timezone": interview.mission.timezone,
        "mode": interview.venue.mode,
        "venue": interview.venue.name,
        "attache": interview.attache.username,
        "consul": interview.consul.username,
        "interpreter": interview.interpreter.name if interview.interpreter is not None else None,
        "sequence": interview.sequence,
        "confirmed_at": interview.confirmed_at,
    }


def verdict_detail(verdict: Verdict) -> dict[str, Any]:
    """A verdict with its personal fields opened (callers audit that they were shown)."""
    return {
        "id": str(verdict.pk),
        "interview": str(verdict.interview_id) if verdict.interview_id else None,
        "author": verdict.author.username,
        "role": verdict.role,
        "recorded_at": verdict.recorded_at,
        "service_verified": verdict.service_verified,
        "experience": verdict.experience or {},
        "evidence_documents": verdict.evidence_documents,
        "evidence_source": verdict.evidence_source,
        "confidence": verdict.confidence,
        "readiness": verdict.readiness,
        "language_ability": verdict.language_ability,
        "recommend": verdict.recommend,
        "notes": verdict.notes,
    }


def case_interviews(*, application: Application) -> list[dict[str, Any]]:
    interviews = (
        Interview.objects.filter(application=application)
        .select_related("mission", "venue", "attache", "consul", "interpreter")
        .order_by("start")
    )
    return [interview_summary(i) for i in interviews]


def case_verdicts(*, application: Application) -> list[dict[str, Any]]:
    verdicts = (
        Verdict.objects.filter(application=application)
        .select_related("author", "application__data_key")
        .order_by("recorded_at", "pk")
    )
    return [verdict_detail(v) for v in verdicts]


# --- the waiting queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueEntry:
    position: int
    application: Application
    recommended: bool
    waiting_since: datetime.datetime
    days_waiting: int
    reschedule: bool


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    count: int  # cases waiting, exact up to COUNT_CAP (core/keyset.py)
    more: bool  # more than COUNT_CAP wait
    has_next: bool


def _waiting(*, user: StaffUser, mission: Mission) -> QuerySet[Application]:
    """Cases of `mission` at the interview stage with no slot and no interview held yet
    (read from ``application_mission_stage_waiting`` in the order they entered the stage)."""
    holding = Interview.objects.filter(application=OuterRef("pk"), status__in=SLOT_STATUSES)
    return (
        applications_in_scope(user=user)
        .filter(mission=mission, stage=Stage.INTERVIEW, data_key__destroyed_at__isnull=True)
        .exclude(interviewed())
        .exclude(Exists(holding))
    )


def waiting_queue(
    *, user: StaffUser, mission: Mission, now: datetime.datetime, number: int = 1, size: int
) -> QueuePage:
    """Page `number` (of `size` cases) of the cases of `mission` waiting for a slot, in the
    scheduler's order: screening recommendation first, then longest waiting.

    Only a case with a verified military document can be recommended (``cases/screening.py``),
    so only those are opened and screened; the others follow in the order of the index, and
    of them the page reads its own rows and the ones before it, never the whole queue.
    """
    waiting = _waiting(user=user, mission=mission)
    count, more = capped_count(waiting)
    verified = Document.objects.filter(
        application=OuterRef("pk"),
        kind__in=MILITARY_DOCUMENT_KINDS,
        verification=Verification.VERIFIED,
    )
    recommended: list[tuple[datetime.datetime, str]] = []
    others: list[tuple[datetime.datetime, str]] = []
    for application in waiting.filter(Exists(verified)).prefetch_related("documents"):
        key = (application.stage_changed_at, str(application.pk))
        outcome = application_screening(application=application).outcome
        (recommended if outcome == Outcome.PROCEED else others).append(key)
    recommended.sort()
    first = (number - 1) * size
    wanted = first + size + 1  # the page, the rows before it, and one to tell if more follow
    tail = max(0, wanted - len(recommended))
    # Without a verified document: in the index's order, only as far as this page reaches.
    unscreened = (
        waiting.exclude(Exists(verified))
        .order_by("stage_changed_at", "pk")
        .values_list("stage_changed_at", "pk")[:tail]
    )
    order = recommended + heapq.nsmallest(
        tail, itertools.chain(others, ((at, str(pk)) for at, pk in unscreened))
    )
    shown = order[first : first + size]
    chosen = {str(pk): len(recommended) > first + n for n, (_at, pk) in enumerate(shown)}
    rescheduling = Interview.objects.filter(
        application=OuterRef("pk"), status=InterviewStatus.RESCHEDULE
    )
    rows = {
        str(a.pk): a
        for a in Application.objects.filter(pk__in=list(chosen)).annotate(
            reschedule=Exists(rescheduling)
        )
    }
    entries = [
        QueueEntry(
            position=first + n,
            application=rows[pk],
            recommended=chosen[pk],
            waiting_since=since,
            days_waiting=(now - since).days,
            reschedule=rows[pk].reschedule,
        )
        for n, (since, pk) in enumerate(shown, 1)
        if pk in rows
    ]
    return QueuePage(entries=entries, count=count, more=more, has_next=len(order) > first + size)


# --- the calendar week -----------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: datetime.date
    availability: list[dict[str, Any]] = field(default_factory=list)  # who is free when
    interviews: list[dict[str, Any]] = field(default_factory=list)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def mission_week(*, mission: Mission, monday: datetime.date) -> list[CalendarDay]:
    """Seven days from `monday` (mission time): each panel member's available hours and the
    interviews booked, local times."""
    zone = zoneinfo.ZoneInfo(mission.timezone)
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=zone)
    end = start + datetime.timedelta(days=7)
    from enlist.interviews import scheduling

    horizon = scheduling.Window(start.astimezone(datetime.UTC), end.astimezone(datetime.UTC))
    days = {
        monday + datetime.timedelta(days=n): CalendarDay(monday + datetime.timedelta(days=n))
        for n in range(7)
    }
    members = StaffUser.objects.filter(
        mission=mission, role__in=[Role.ATTACHE, Role.CONSUL], is_active=True
    ).order_by("role", "username")
    for member in members:
        windows = owner_windows(
            WeeklyHours.objects.filter(staff=member),
            AvailabilityException.objects.filter(
                staff=member,
                date__gte=monday - datetime.timedelta(days=1),
                date__lt=monday + datetime.timedelta(days=8),
            ),
            zone=mission.timezone,
            horizon=horizon,
        )
        for window in windows:
            local_start, local_end = window.start.astimezone(zone), window.end.astimezone(zone)
            day = days.get(local_start.date())
            if day is not None:
                day.availability.append(
                    {
                        "who": member.username,
                        "role": member.role,
                        "start": local_start,
                        "end": local_end,
                    }
                )
    interviews = (
        Interview.objects.filter(mission=mission, start__gte=horizon.start, start__lt=horizon.end)
        .exclude(status=InterviewStatus.CANCELLED)
        .select_related("mission", "venue", "attache", "consul", "interpreter")
        .order_by("start")
    )
    for interview in interviews:
        summary = interview_summary(interview)
        summary["application"] = str(interview.application_id)
        day = days.get(summary["local_start"].date())
        if day is not None:
            day.interviews.append(summary)
    return list(days.values())


def next_horizon(mission: Mission, *, now: datetime.datetime):
    return horizon_for(mission, mission_settings(mission), now=now)
