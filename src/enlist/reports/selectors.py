"""Reads for the dashboards: every figure comes from the pre-aggregated counts
(``PipelineCount``), except the few that live in small tables of their own (interview
capacity, duplicate pairs). Each takes one ``ReportFilters``; a mission's view is the same
filters with the mission fixed (``reports/views.py`` decides who may ask for what).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.interviews.booking import horizon_for, owner_windows
from enlist.interviews.models import (
    SLOT_STATUSES,
    AvailabilityException,
    Interview,
    InterviewSettings,
    Venue,
    WeeklyHours,
)
from enlist.matching.models import MatchCandidate, MatchStatus
from enlist.missions.models import Mission
from enlist.reports import tallies
from enlist.reports.capacity import panel_slots
from enlist.reports.models import PipelineCount
from enlist.reports.quantiles import quantile
from enlist.reports.targets import SERVICE_TARGET_DAYS


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date  # first day of the period
    end: datetime.date  # last day of the period, included
    mission_id: int | None = None
    nationality: str | None = None


def _counts(
    measure: str,
    filters: ReportFilters,
    *,
    period: bool = True,
    per_mission: bool = False,
    per_nationality: bool = False,
) -> QuerySet:
    """The rows of one measure at the level the filters ask for (``tallies.py``: a filter
    or a breakdown reads the level of that mission or nationality, else the level of all)."""
    rows = PipelineCount.objects.filter(measure=measure)
    if period:
        rows = rows.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.mission_id is not None:
        rows = rows.filter(mission_id=filters.mission_id)
    elif per_mission:
        rows = rows.filter(mission_id__gt=tallies.ALL_MISSIONS)  # a range: the index serves it
    else:
        rows = rows.filter(mission_id=tallies.ALL_MISSIONS)
    if filters.nationality:
        rows = rows.filter(nationality=filters.nationality)
    elif per_nationality:
        rows = rows.filter(nationality__gt=tallies.ALL_NATIONALITIES)
    else:
        rows = rows.filter(nationality=tallies.ALL_NATIONALITIES)
    return rows


def _sum_by(rows: QuerySet, *fields: str) -> list[tuple]:
    return list(rows.values_list(*fields).annotate(n=Sum("count")).order_by())


def intake_by_day(filters: ReportFilters) -> dict[datetime.date, Counter]:
    """Applications submitted each day of the period, by channel (every day present)."""
    days: dict[datetime.date, Counter] = {}
    day = filters.start
    while day <= filters.end:
        days[day] = Counter()
        day += datetime.timedelta(days=1)
    for day, channel, n in _sum_by(_counts(tallies.INTAKE, filters), "day", "dimension"):
        days[day][channel] += n
    return days


def funnel(filters: ReportFilters) -> Counter:
    """Applications submitted in the period that have ever reached each stage."""
    return Counter(dict(_sum_by(_counts(tallies.REACHED, filters), "dimension")))


def by_nationality(filters: ReportFilters) -> Counter:
    """Applications submitted in the period, by nationality (the "reached submitted" count:
    one row per day, not one per channel)."""
    rows = _counts(tallies.REACHED, filters, per_nationality=True).filter(dimension="submitted")
    return Counter(dict(_sum_by(rows, "nationality")))


def by_mission(filters: ReportFilters) -> Counter:
    rows = _counts(tallies.REACHED, filters, per_mission=True).filter(dimension="submitted")
    return Counter(dict(_sum_by(rows, "mission_id")))


@dataclass(frozen=True)
class Duration:
    stays: int
    median: int | None
    p90: int | None


def stage_durations(filters: ReportFilters) -> dict[str, Duration]:
    """Whole days spent in each stage, over the stays that ended in the weeks of the period."""
    rows = _counts(tallies.STAY, filters, period=False).filter(
        day__gte=tallies.monday(filters.start), day__lte=filters.end
    )
    histograms: dict[str, Counter] = defaultdict(Counter)
    for stage, days, n in _sum_by(rows, "dimension", "days"):
        histograms[stage][days] += n
    return {
        stage: Duration(
            stays=sum(histogram.values()),
            median=quantile(histogram, 0.5),
            p90=quantile(histogram, 0.9),
        )
        for stage, histogram in histograms.items()
    }


@dataclass(frozen=True)
class Queue:
    waiting: int
    over_target: int


def queues_over_target(
    filters: ReportFilters, *, today: datetime.date
) -> dict[int, dict[str, Queue]]:
    """Per mission and stage with a target: cases in the stage now, and those in it for more
    than the target's days (whatever the period: this is the queue as it stands today)."""
    rows = _counts(tallies.CURRENT, filters, period=False, per_mission=True).filter(
        dimension__in=list(SERVICE_TARGET_DAYS)
    )
    # entered before the cutoff: in the stage for more than its target's days today
    late = Q()
    for stage, days in SERVICE_TARGET_DAYS.items():
        late |= Q(dimension=stage, day__lt=today - datetime.timedelta(days=days))
    queues: dict[int, dict[str, Queue]] = {}
    for mission_id, stage, waiting, over in (
        rows.values_list("mission_id", "dimension")
        .annotate(waiting=Sum("count"), over=Sum("count", filter=late))
        .order_by()
    ):
        stages = queues.setdefault(mission_id, {s: Queue(0, 0) for s in SERVICE_TARGET_DAYS})
        stages[stage] = Queue(waiting=waiting, over_target=over or 0)
    return queues


def closures(filters: ReportFilters) -> Counter:
    """Referrals, rejections and withdrawals decided in the period, by the way they happened
    (``tallies.closure_dimension``)."""
    return Counter(dict(_sum_by(_counts(tallies.CLOSURE, filters), "dimension")))


@dataclass(frozen=True)
class Capacity:
    available: int
    booked: int


def interview_capacity(filters: ReportFilters, *, now: datetime.datetime) -> dict[int, Capacity]:
    """Per active mission: interview slots its panel could hold over its booking horizon
    (``reports/capacity.py``) and the slots booked in it. Not filtered by nationality."""
    active = Mission.objects.filter(is_active=True)
    if filters.mission_id is not None:
        active = active.filter(pk=filters.mission_id)
    missions = list(active)
    ids = [m.pk for m in missions]
    settings_by = {s.mission_id: s for s in InterviewSettings.objects.filter(mission_id__in=ids)}
    venues = dict(
        Venue.objects.filter(mission_id__in=ids, is_active=True)
        .values_list("mission_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    members: defaultdict[int | None, list[StaffUser]] = defaultdict(list)
    for member in StaffUser.objects.filter(
        mission_id__in=ids, role__in=[Role.ATTACHE, Role.CONSUL], is_active=True
    ):
        members[member.mission_id].append(member)
    hours: defaultdict[int | None, list[WeeklyHours]] = defaultdict(list)
    for row in WeeklyHours.objects.filter(mission_id__in=ids, staff__isnull=False):
        hours[row.staff_id].append(row)
    exceptions: defaultdict[int | None, list[AvailabilityException]] = defaultdict(list)
    for exception in AvailabilityException.objects.filter(
        mission_id__in=ids,
        staff__isnull=False,
        date__gte=now.date() - datetime.timedelta(days=1),
    ):
        exceptions[exception.staff_id].append(exception)
    result: dict[int, Capacity] = {}
    horizons = {}
    for mission in missions:
        settings = settings_by.get(mission.pk) or InterviewSettings(mission=mission)
        horizon = horizon_for(mission, settings, now=now)
        horizons[mission.pk] = horizon
        spans: dict[Role, list[list[tuple[datetime.datetime, datetime.datetime]]]] = {
            Role.ATTACHE: [],
            Role.CONSUL: [],
        }
        for member in members[mission.pk]:
            windows = owner_windows(
                hours[member.pk], exceptions[member.pk], zone=mission.timezone, horizon=horizon
            )
            spans[Role(member.role)].append([(w.start, w.end) for w in windows])
        slot = datetime.timedelta(minutes=settings.length_minutes + settings.buffer_minutes)
        result[mission.pk] = Capacity(
            available=panel_slots(
                attaches=spans[Role.ATTACHE],
                consuls=spans[Role.CONSUL],
                venues=venues.get(mission.pk, 0),
                slot=slot,
            ),
            booked=0,
        )
    if horizons:
        earliest = min(h.start for h in horizons.values())
        latest = max(h.end for h in horizons.values())
        booked: Counter[int] = Counter()
        for mission_id, start in Interview.objects.filter(
            mission_id__in=ids, status__in=SLOT_STATUSES, start__gte=earliest, start__lt=latest
        ).values_list("mission_id", "start"):
            horizon = horizons[mission_id]
            if horizon.start <= start < horizon.end:
                booked[mission_id] += 1
        for mission_id, n in booked.items():
            result[mission_id] = Capacity(available=result[mission_id].available, booked=n)
    return result


@dataclass(frozen=True)
class Duplicates:
    found: int  # pairs flagged in the period (any status now)
    open: int  # of those, still waiting for HQ
    confirmed: int  # decided in the period: same person (by HQ or linked automatically)
    dismissed: int  # decided in the period: different people


def duplicates(filters: ReportFilters) -> Duplicates:
    """Possible duplicates found and reviewed in the period; a pair counts for a mission or a
    nationality when either of its two applications is at that mission or of that nationality."""
    start = datetime.datetime.combine(filters.start, datetime.time(), tzinfo=datetime.UTC)
    end = datetime.datetime.combine(
        filters.end + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC
    )
    pairs = MatchCandidate.objects.all()
    if filters.mission_id is not None:
        pairs = pairs.filter(
            Q(left__mission_id=filters.mission_id) | Q(right__mission_id=filters.mission_id)
        )
    if filters.nationality:
        pairs = pairs.filter(
            Q(left__nationality_id=filters.nationality)
            | Q(right__nationality_id=filters.nationality)
        )
    found = pairs.filter(found_at__gte=start, found_at__lt=end).aggregate(
        found=Count("pk"), open=Count("pk", filter=Q(status=MatchStatus.OPEN))
    )
    decided = pairs.filter(decided_at__gte=start, decided_at__lt=end).aggregate(
        confirmed=Count("pk", filter=Q(status__in=[MatchStatus.CONFIRMED, MatchStatus.LINKED])),
        dismissed=Count("pk", filter=Q(status=MatchStatus.DISMISSED)),
    )
    return Duplicates(
        found=found["found"],
        open=found["open"],
        confirmed=decided["confirmed"],
        dismissed=decided["dismissed"],
    )
