"""What waits for each role: the queues of its workspace (``/staff/``), within its scope.

Every queue is a count and its first few items, so a workspace costs a fixed number of
bounded queries however many cases there are (``FIRST_ITEMS`` rows each). The cases come
from ``cases/access.py: applications_in_scope``; the rows are built by the view with
``case_summary`` (names of high-risk volunteers masked) and audited as a list.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AlertLevel, ViewAlert
from enlist.cases.access import applications_in_scope
from enlist.cases.models import Application
from enlist.cases.workflow import Stage
from enlist.interviews.models import SLOT_STATUSES, Interview, InterviewStatus, Verdict
from enlist.jobs.selectors import dead_jobs
from enlist.logistics.models import UnitAssignment
from enlist.mailin.models import DraftStatus, MailDraft
from enlist.matching.models import MatchCandidate, MatchStatus
from enlist.reports.targets import SERVICE_TARGET_DAYS, target_cutoff
from enlist.travel.models import TravelPacket

FIRST_ITEMS = 5
# Arrivals expected within this many days are reception's to prepare for.
ARRIVALS_AHEAD_DAYS = 7


@dataclass
class Queue:
    """One list of the workspace: what it is, how many wait, the oldest of them."""

    key: str  # stable id for the page (and the browser tests): "queue-<key>"
    count: int
    # The first items; a case's item holds its row under "application" (the view turns it
    # into the list's summary), with what the queue adds (a time, a window).
    items: list[dict[str, Any]] = field(default_factory=list)


def _oldest(queryset: QuerySet[Application]) -> list[dict[str, Any]]:
    first = queryset.select_related("mission", "nationality").order_by("stage_changed_at", "pk")
    return [{"application": application} for application in first[:FIRST_ITEMS]]


def stage_queue(*, user: StaffUser, stage: Stage, key: str) -> Queue:
    """The user's cases in `stage`, oldest waiting first."""
    queryset = applications_in_scope(user=user).filter(stage=stage)
    return Queue(key=key, count=queryset.count(), items=_oldest(queryset))


def mail_drafts_queue(*, user: StaffUser) -> Queue:
    """Mail waiting for a clerk to complete it into an application, oldest first."""
    drafts = MailDraft.objects.filter(status=DraftStatus.OPEN)
    if user.mission_id is not None:
        drafts = drafts.filter(mission_id=user.mission_id)
    first = drafts.select_related("mission").order_by("created_at", "pk")[:FIRST_ITEMS]
    items = [{"id": str(d.pk), "mission": d.mission.code, "at": d.created_at} for d in first]
    return Queue(key="mail-drafts", count=drafts.count(), items=items)


def _mission_day(user: StaffUser, now: datetime.datetime) -> tuple[datetime.datetime, ...]:
    """Start and end of today in the mission's own time zone (UTC without a mission)."""
    zone = zoneinfo.ZoneInfo(user.mission.timezone) if user.mission is not None else datetime.UTC
    local = now.astimezone(zone)
    start = datetime.datetime.combine(local.date(), datetime.time(), tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def todays_interviews(*, user: StaffUser, now: datetime.datetime | None = None) -> Queue:
    """Today's interviews the user sits on (HQ: every mission's), in time order."""
    now = now or timezone.now()
    start, end = _mission_day(user, now)
    interviews = Interview.objects.filter(
        start__gte=start, start__lt=end, status__in=[s.value for s in SLOT_STATUSES]
    )
    if user.staff_role in (Role.ATTACHE, Role.CONSUL):
        interviews = interviews.filter(Q(attache=user) | Q(consul=user))
    first = interviews.select_related(
        "application__mission", "application__nationality", "venue"
    ).order_by("start")[: FIRST_ITEMS * 2]
    items = [
        {
            "application": i.application,
            "start": i.start,
            "end": i.end,
            "venue": i.venue.name,
            "status": i.get_status_display(),
        }
        for i in first
    ]
    return Queue(key="interviews-today", count=interviews.count(), items=items)


def verdicts_owed(*, user: StaffUser, now: datetime.datetime | None = None) -> Queue:
    """Cases at interview whose interview (with the user on the panel) has begun or was held,
    and on which the user has recorded no verdict yet: oldest interview first."""
    now = now or timezone.now()
    sat = Interview.objects.filter(
        application=OuterRef("pk"),
        start__lte=now,
        status__in=[InterviewStatus.BOOKED, InterviewStatus.CONFIRMED, InterviewStatus.HELD],
    ).filter(Q(attache=user) | Q(consul=user))
    judged = Verdict.objects.filter(application=OuterRef("pk"), author=user)
    queryset = (
        applications_in_scope(user=user)
        .filter(stage=Stage.INTERVIEW)
        .filter(Exists(sat))
        .exclude(Exists(judged))
    )
    return Queue(key="verdicts-owed", count=queryset.count(), items=_oldest(queryset))


def expected_arrivals(*, user: StaffUser, today: datetime.date | None = None) -> Queue:
    """Volunteers on their way whose arrival window opens within a week, soonest first."""
    today = today or timezone.localdate()
    packets = (
        TravelPacket.objects.filter(
            invalidated_at__isnull=True,
            application__stage=Stage.TRAVEL,
            application__in=applications_in_scope(user=user),
            arrival_from__lte=today + datetime.timedelta(days=ARRIVALS_AHEAD_DAYS),
        )
        .select_related("application__mission", "application__nationality")
        .order_by("arrival_from", "pk")
    )
    first = list(packets[: FIRST_ITEMS * 2])
    items = [
        {
            "application": p.application,
            "from": p.arrival_from,
            "until": p.arrival_until,
            "late": p.arrival_until < today,
        }
        for p in first
    ]
    return Queue(key="arrivals", count=packets.count(), items=items)


@dataclass(frozen=True)
class StageLoad:
    stage: str
    count: int
    over_target: int
    target_days: int


def pipeline(*, user: StaffUser, now: datetime.datetime | None = None) -> list[StageLoad]:
    """Open cases per stage and how many of them wait longer than the stage's target: one
    aggregate query over the user's scope."""
    now = now or timezone.now()
    aggregates = {}
    for stage in SERVICE_TARGET_DAYS:
        aggregates[f"{stage}__all"] = Count("pk", filter=Q(stage=stage))
        aggregates[f"{stage}__late"] = Count(
            "pk", filter=Q(stage=stage, stage_changed_at__lt=target_cutoff(stage, now=now))
        )
    counts = applications_in_scope(user=user).aggregate(**aggregates)
    return [
        StageLoad(
            stage=stage,
            count=counts[f"{stage}__all"],
            over_target=counts[f"{stage}__late"],
            target_days=days,
        )
        for stage, days in SERVICE_TARGET_DAYS.items()
    ]


def hq_counts() -> dict[str, int]:
    """HQ's other queues: possible duplicates to decide, arrived volunteers without a unit."""
    placed = UnitAssignment.objects.filter(application=OuterRef("pk"), is_current=True)
    return {
        "duplicates": MatchCandidate.objects.filter(status=MatchStatus.OPEN).count(),
        "unassigned": Application.objects.filter(stage=Stage.ARRIVED)
        .exclude(Exists(placed))
        .count(),
    }


def oversight_counts() -> dict[str, int]:
    """The auditor's and the administrator's: open view alerts, blocked users, failed jobs,
    sign-in lockouts."""
    open_alerts = ViewAlert.objects.filter(cleared_at__isnull=True)
    return {
        "alerts": open_alerts.count(),
        "blocked": open_alerts.filter(level=AlertLevel.HARD).values("user").distinct().count(),
        "failed_jobs": dead_jobs().count(),
        "lockouts": AccessAttempt.objects.count(),
    }
