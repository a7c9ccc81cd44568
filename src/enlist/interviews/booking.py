"""Booking interviews: the database turned into a ``scheduling.MissionProblem`` per mission,
the scheduler's answer written back as Interview rows in one transaction, invitations sent
once it commits.

Who waits: cases at the interview stage of an active mission with no interview holding a
slot (a case whose applicant asked for another slot waits too, and keeps its calendar entry).
Confirmed interviews are never moved; unconfirmed ones only when a re-plan is asked for.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import SYSTEM, audit_record
from enlist.cases.models import Application
from enlist.cases.screening import Outcome
from enlist.cases.selectors import application_screening
from enlist.cases.workflow import Stage
from enlist.interviews import availability, scheduling
from enlist.interviews.models import (
    SLOT_STATUSES,
    ApplicantConstraint,
    AvailabilityException,
    Interpreter,
    Interview,
    InterviewSettings,
    InterviewStatus,
    PanelProfile,
    Venue,
    WeeklyHours,
    interviewed,
)
from enlist.interviews.scheduling.types import Mode as VenueMode
from enlist.interviews.scheduling.types import Role as PanelRole
from enlist.missions.models import Mission

PANEL_ROLES = (Role.ATTACHE.value, Role.CONSUL.value)


@dataclass
class MissionInput:
    """A mission's problem and what is needed to write its answer back."""

    mission: Mission
    problem: scheduling.MissionProblem
    interviews: dict[str, Interview] = field(default_factory=dict)  # case id → its active row


@dataclass
class MissionOutcome:
    mission: str
    result: scheduling.ScheduleResult
    created: list[Interview] = field(default_factory=list)
    moved: list[Interview] = field(default_factory=list)
    released: list[Interview] = field(default_factory=list)


def mission_settings(mission: Mission) -> InterviewSettings:
    found = InterviewSettings.objects.filter(mission=mission).first()
    return found or InterviewSettings(mission=mission)


def horizon_for(
    mission: Mission, settings: InterviewSettings, *, now: datetime.datetime
) -> scheduling.Window:
    """From the start of tomorrow (mission time: an invitation is never for today) for
    ``horizon_days`` days."""
    zone = zoneinfo.ZoneInfo(mission.timezone)
    tomorrow = now.astimezone(zone).date() + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        tomorrow + datetime.timedelta(days=settings.horizon_days), datetime.time(), tzinfo=zone
    )
    return scheduling.Window(start.astimezone(datetime.UTC), end.astimezone(datetime.UTC))


def _hours_by_owner(mission: Mission) -> tuple[dict, dict]:
    # each row is a staff member's or an interpreter's: one of the two ids is set
    weekly: dict[tuple[str, int | None], list[WeeklyHours]] = {}
    for hours in WeeklyHours.objects.filter(mission=mission):
        owner = (
            ("staff", hours.staff_id) if hours.staff_id else ("interpreter", hours.interpreter_id)
        )
        weekly.setdefault(owner, []).append(hours)
    exceptions: dict[tuple[str, int | None], list[AvailabilityException]] = {}
    for exception in AvailabilityException.objects.filter(mission=mission):
        owner = (
            ("staff", exception.staff_id)
            if exception.staff_id
            else ("interpreter", exception.interpreter_id)
        )
        exceptions.setdefault(owner, []).append(exception)
    return weekly, exceptions


def owner_windows(
    weekly: Iterable[WeeklyHours],
    exceptions: Iterable[AvailabilityException],
    *,
    zone: str,
    horizon: scheduling.Window,
) -> tuple[scheduling.Window, ...]:
    """One person's available UTC windows within the horizon (``availability`` does the work:
    mission-local hours to UTC, daylight saving included)."""
    tz = zoneinfo.ZoneInfo(zone)
    windows = availability.expand_availability(
        weekly=[availability.WeeklyHours(r.weekday, r.start, r.end) for r in weekly],
        exceptions=[
            # the kind column holds only ExceptionKind's values (its choices)
            availability.DatedException(
                r.date, r.start, r.end, cast(availability.ExceptionKind, r.kind)
            )
            for r in exceptions
        ],
        tz=zone,
        first_day=horizon.start.astimezone(tz).date(),
        last_day=horizon.end.astimezone(tz).date(),
    )
    clipped = []
    for window in windows:
        start, end = max(window.start, horizon.start), min(window.end, horizon.end)
        if start < end:
            clipped.append(scheduling.Window(start, end))
    return tuple(clipped)


def default_panel_languages(mission: Mission) -> frozenset[str]:
    return frozenset({"uk", *mission.languages})


def unavailable_windows(
    ranges: Iterable[Iterable[str]], *, zone: str
) -> tuple[scheduling.Window, ...]:
    """Inclusive date ranges (mission calendar) as UTC windows, midnight to midnight."""
    tz = zoneinfo.ZoneInfo(zone)
    windows = []
    for first_text, last_text in ranges:
        first = datetime.date.fromisoformat(first_text)
        last = datetime.date.fromisoformat(last_text)
        start = datetime.datetime.combine(first, datetime.time(), tzinfo=tz)
        end = datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
        )
        windows.append(
            scheduling.Window(start.astimezone(datetime.UTC), end.astimezone(datetime.UTC))
        )
    return tuple(windows)


def _booking(interview: Interview) -> scheduling.Booking:
    return scheduling.Booking(
        case_id=str(interview.application_id),
        start=interview.start,
        end=interview.end,
        attache_id=str(interview.attache_id),
        consul_id=str(interview.consul_id),
        venue_id=str(interview.venue_id),
        interpreter_id=str(interview.interpreter_id) if interview.interpreter_id else None,
        confirmed=interview.status == InterviewStatus.CONFIRMED,
    )


def mission_input(
    mission: Mission, *, now: datetime.datetime, replan: bool = False
) -> MissionInput:
    """Read one mission's panel, venues, interpreters, waiting cases and existing bookings."""
    settings = mission_settings(mission)
    horizon = horizon_for(mission, settings, now=now)
    weekly, exceptions = _hours_by_owner(mission)
    zone = mission.timezone

    def windows(kind: str, pk: int) -> tuple[scheduling.Window, ...]:
        owner = (kind, pk)
        return owner_windows(
            weekly.get(owner, ()), exceptions.get(owner, ()), zone=zone, horizon=horizon
        )

    profiles = dict(
        PanelProfile.objects.filter(staff__mission=mission).values_list("staff_id", "languages")
    )
    default_languages = default_panel_languages(mission)
    members = tuple(
        scheduling.PanelMember(
            id=str(user.pk),
            role=cast(PanelRole, user.role),  # filtered to PANEL_ROLES below
            languages=frozenset(profiles.get(user.pk) or default_languages),
            available=windows("staff", user.pk),
        )
        for user in StaffUser.objects.filter(
            mission=mission, role__in=PANEL_ROLES, is_active=True
        ).order_by("pk")
    )
    modes = settings.modes
    venues = tuple(
        scheduling.Venue(id=str(v.pk), mode=cast(VenueMode, v.mode), available=(horizon,))
        for v in Venue.objects.filter(mission=mission, is_active=True, mode__in=modes).order_by(
            "pk"
        )
    )
    interpreters = tuple(
        scheduling.Interpreter(
            id=str(i.pk), languages=frozenset(i.languages), available=windows("interpreter", i.pk)
        )
        for i in Interpreter.objects.filter(mission=mission, is_active=True).order_by("pk")
    )

    active = {
        str(i.application_id): i
        for i in Interview.objects.filter(
            mission=mission, status__in=[*SLOT_STATUSES, InterviewStatus.RESCHEDULE]
        ).select_related("application")
    }
    existing = tuple(_booking(i) for i in active.values() if i.holds_slot and i.end > horizon.start)
    movable = {b.case_id for b in existing if replan and not b.confirmed}
    waiting = (
        Application.objects.filter(mission=mission, stage=Stage.INTERVIEW)
        .exclude(interviewed())
        .prefetch_related("documents")
        .order_by("stage_changed_at", "pk")
    )
    constraints = {
        c.application_id: c
        for c in ApplicantConstraint.objects.filter(
            application__mission=mission, application__stage=Stage.INTERVIEW
        ).select_related("application__data_key")
    }
    cases = []
    for application in waiting:
        key = str(application.pk)
        current = active.get(key)
        if current is not None and current.holds_slot and key not in movable:
            continue
        if application.is_erased:
            continue
        constraint = constraints.get(application.pk)
        case_modes = (
            frozenset(constraint.modes) if constraint and constraint.modes else frozenset(modes)
        )
        cases.append(
            scheduling.WaitingCase(
                id=key,
                # None stated: they reached the mission, so assume one of its languages.
                languages=frozenset(application.languages or mission.languages or ("en",)),
                unavailable=unavailable_windows(
                    constraint.unavailable if constraint else (), zone=zone
                ),
                recommended=application_screening(application=application).outcome
                == Outcome.PROCEED,
                waiting_since=application.stage_changed_at,
                modes=case_modes & frozenset(modes) or frozenset(modes),
            )
        )
    problem = scheduling.MissionProblem(
        mission=mission.code,
        members=members,
        venues=venues,
        interpreters=interpreters,
        cases=tuple(cases),
        existing=existing,
        length=datetime.timedelta(minutes=settings.length_minutes),
        buffer=datetime.timedelta(minutes=settings.buffer_minutes),
        horizon=horizon,
        replan_unconfirmed=replan,
    )
    return MissionInput(mission=mission, problem=problem, interviews=active)


def _place(interview: Interview, booking: scheduling.Booking) -> None:
    interview.start = booking.start
    interview.end = booking.end
    interview.attache_id = int(booking.attache_id)
    interview.consul_id = int(booking.consul_id)
    interview.venue_id = int(booking.venue_id)
    interview.interpreter_id = int(booking.interpreter_id) if booking.interpreter_id else None


@transaction.atomic
def mission_book(
    prepared: MissionInput,
    result: scheduling.ScheduleResult,
    *,
    actor: StaffUser | None,
    now: datetime.datetime,
) -> MissionOutcome:
    """Write a mission's schedule: new Interview rows, moved or re-booked rows (same UID,
    SEQUENCE + 1), released rows waiting again; their emails queued in the same transaction."""
    from enlist.interviews.invitations import mail_queue

    outcome = MissionOutcome(mission=prepared.mission.code, result=result)
    new_cases = {b.case_id for b in result.new}
    for booking in result.released:
        if booking.case_id in new_cases:
            continue  # moved: handled with the new bookings below
        interview = Interview.objects.select_for_update().get(
            pk=prepared.interviews[booking.case_id].pk
        )
        if interview.status != InterviewStatus.BOOKED:
            continue  # changed meanwhile (confirmed, cancelled): leave it
        interview.status = InterviewStatus.RESCHEDULE
        interview.sequence += 1
        interview.save(update_fields=["status", "sequence"])
        mail_queue("cancellation", interview)
        outcome.released.append(interview)
    for booking in result.new:
        current = prepared.interviews.get(booking.case_id)
        if current is not None:
            interview = Interview.objects.select_for_update().get(pk=current.pk)
            if interview.status == InterviewStatus.CONFIRMED:
                continue  # the applicant confirmed meanwhile: never moved
            if interview.status == InterviewStatus.BOOKED and _booking(interview) == booking:
                continue  # a re-plan gave it the same slot: nothing to tell anyone
            _place(interview, booking)
            interview.status = InterviewStatus.BOOKED
            interview.sequence += 1
            interview.booked_at = now
            interview.confirmed_at = None
            interview.reminder_sent_at = None
            interview.save()
            outcome.moved.append(interview)
        else:
            interview = Interview(
                application_id=booking.case_id,
                mission=prepared.mission,
                status=InterviewStatus.BOOKED,
                booked_at=now,
            )
            _place(interview, booking)
            interview.save(force_insert=True)
            outcome.created.append(interview)
        mail_queue("invitation", interview)
    for interview in outcome.created + outcome.moved:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            target=("application", interview.application_id),
            detail={
                "change": "interview_book",
                "interview": str(interview.pk),
                "version": interview.sequence,
                "via": "cli" if actor is None else "web",
            },
            actor_role=SYSTEM if actor is None else None,
        )
    return outcome


def missions_to_schedule(code: str | None = None) -> list[Mission]:
    missions = Mission.objects.filter(is_active=True).order_by("code")
    if code:
        missions = missions.filter(code=code)
    return list(missions)


def interviews_schedule(
    *,
    missions: Iterable[Mission],
    actor: StaffUser | None = None,
    dry_run: bool = False,
    replan: bool = False,
    now: datetime.datetime | None = None,
    time_limit: float = 10.0,
    progress=None,
) -> list[MissionOutcome]:
    """Schedule each mission in turn (each in its own transaction). With `dry_run` nothing is
    written and no email is sent: the outcomes say what would be booked and why cases wait."""
    now = now or timezone.now()
    outcomes = []
    for mission in missions:
        prepared = mission_input(mission, now=now, replan=replan)
        result = scheduling.schedule_interviews(prepared.problem, time_limit=time_limit)
        if dry_run:
            outcomes.append(MissionOutcome(mission=mission.code, result=result))
        else:
            outcomes.append(mission_book(prepared, result, actor=actor, now=now))
        if progress is not None:
            progress(mission)
    return outcomes
