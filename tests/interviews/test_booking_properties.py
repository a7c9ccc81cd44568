"""Property test of booking through the database (hypothesis): random weekly hours, absences,
venues and queues at a mission, a booking run, some applicants confirming, then a re-plan.
Whatever the draw, the Interview rows never book a panel member, a venue or an applicant
twice at once, never outside the panel's availability or inside the applicant's stated
unavailable dates, and the re-plan never moves a confirmed interview."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.interviews.booking import (
    horizon_for,
    interviews_schedule,
    mission_settings,
    owner_windows,
)
from enlist.interviews.models import (
    SLOT_STATUSES,
    ApplicantConstraint,
    AvailabilityException,
    Interview,
    InterviewSettings,
    InterviewStatus,
    Venue,
    WeeklyHours,
)
from tests.conftest import examples
from tests.factories import ApplicationFactory, MissionFactory, StaffFactory

ZONE = "Europe/London"  # daylight saving starts on 28 March 2027, inside the horizon
NOW = datetime.datetime(2027, 3, 22, 10, 0, tzinfo=datetime.UTC)
_serial = itertools.count()

blocks = st.lists(
    st.tuples(
        st.integers(0, 6), st.integers(7, 15), st.integers(1, 5)
    ),  # weekday, start hour, hours
    max_size=4,
)
member_spec = st.tuples(blocks, st.lists(st.integers(0, 13), max_size=2))  # hours, absent days
case_spec = st.tuples(
    st.sampled_from([("en",), ("uk",), ("en", "uk"), ("lt",)]),
    st.lists(st.tuples(st.integers(0, 13), st.integers(0, 3)), max_size=2),  # unavailable
)


def _build(attaches, consuls, venues, cases):
    n = next(_serial)
    mission = MissionFactory(code=f"gb-prop-{n}", country_id="GB", city="London", timezone=ZONE)
    InterviewSettings.objects.create(mission=mission, horizon_days=14, buffer_minutes=15)
    for v in range(venues):
        Venue.objects.create(mission=mission, name=f"Room {v}", mode="in_person")
    first_day = NOW.date() + datetime.timedelta(days=1)
    for role, specs in (("attache", attaches), ("consul", consuls)):
        for k, (hours, absences) in enumerate(specs):
            member = StaffFactory(username=f"{role}-{n}-{k}", role=role, mission=mission)
            for weekday, start, length in hours:
                WeeklyHours.objects.create(
                    mission=mission,
                    staff=member,
                    weekday=weekday,
                    start=datetime.time(start),
                    end=datetime.time(min(start + length, 23)),
                )
            for offset in absences:
                AvailabilityException.objects.create(
                    mission=mission,
                    staff=member,
                    date=first_day + datetime.timedelta(days=offset),
                    kind="absent",
                )
    applications = []
    for m, (languages, unavailable) in enumerate(cases):
        application = ApplicationFactory(
            mission=mission,
            stage="interview",
            languages=list(languages),
            email=f"p{n}-{m}@example.org",
        )
        if unavailable:
            ranges = [
                [
                    (first_day + datetime.timedelta(days=d)).isoformat(),
                    (first_day + datetime.timedelta(days=d + length)).isoformat(),
                ]
                for d, length in unavailable
            ]
            ApplicantConstraint.objects.create(application=application, unavailable=ranges)
        applications.append(application)
    return mission


def _check(mission):
    rows = list(
        Interview.objects.filter(mission=mission, status__in=SLOT_STATUSES).select_related(
            "attache", "consul", "application"
        )
    )
    settings_ = mission_settings(mission)
    gap = datetime.timedelta(minutes=settings_.buffer_minutes)
    horizon = horizon_for(mission, settings_, now=NOW)
    zone = zoneinfo.ZoneInfo(ZONE)
    for a, b in itertools.combinations(rows, 2):
        shared = {a.attache_id, a.consul_id, ("v", a.venue_id), ("c", a.application_id)} & {
            b.attache_id,
            b.consul_id,
            ("v", b.venue_id),
            ("c", b.application_id),
        }
        if shared:
            assert a.end + gap <= b.start or b.end + gap <= a.start, (a.pk, b.pk, shared)
    for row in rows:
        assert (row.attache.role, row.consul.role) == ("attache", "consul")
        assert horizon.start <= row.start < row.end <= horizon.end
        for member in (row.attache, row.consul):
            windows = owner_windows(
                WeeklyHours.objects.filter(staff=member),
                AvailabilityException.objects.filter(staff=member),
                zone=ZONE,
                horizon=horizon,
            )
            assert any(w.start <= row.start and row.end <= w.end for w in windows), row.pk
        constraint = ApplicantConstraint.objects.filter(application=row.application).first()
        for first, last in constraint.unavailable if constraint else ():
            local_day = row.start.astimezone(zone).date()
            assert not (
                datetime.date.fromisoformat(first) <= local_day <= datetime.date.fromisoformat(last)
            )
    return rows


@pytest.mark.django_db
@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    attaches=st.lists(member_spec, min_size=1, max_size=2),
    consuls=st.lists(member_spec, min_size=1, max_size=2),
    venues=st.integers(1, 2),
    cases=st.lists(case_spec, max_size=8),
    confirm=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_booking_and_replan_keep_every_rule(attaches, consuls, venues, cases, confirm):
    with transaction.atomic():
        mission = _build(attaches, consuls, venues, cases)
        interviews_schedule(missions=[mission], now=NOW, time_limit=2.0)
        booked = _check(mission)
        assert len(booked) <= len(cases)
        confirmed = {}
        for row, yes in zip(booked, confirm, strict=False):
            if yes:
                row.status = InterviewStatus.CONFIRMED
                row.save(update_fields=["status"])
                confirmed[row.pk] = (row.start, row.attache_id, row.consul_id, row.venue_id)
        interviews_schedule(missions=[mission], now=NOW, replan=True, time_limit=2.0)
        after = _check(mission)
        kept = {r.pk: (r.start, r.attache_id, r.consul_id, r.venue_id) for r in after}
        for pk, placement in confirmed.items():
            assert kept[pk] == placement
        # Every case holds at most one slot.
        assert len({r.application_id for r in after}) == len(after)
        transaction.set_rollback(True)
