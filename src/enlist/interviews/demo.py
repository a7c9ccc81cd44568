"""What the demo gives every mission so that interviews can be booked at once: the default
settings, a room and a video link, and office hours for each attaché and consul; then the
bookings themselves, made by the real scheduler."""

from __future__ import annotations

import datetime

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.interviews.booking import interviews_schedule
from enlist.interviews.models import InterviewSettings, Venue, WeeklyHours
from enlist.missions.models import Mission

OFFICE_HOURS = ((datetime.time(9), datetime.time(12)), (datetime.time(14), datetime.time(17)))


def demo_interviews_setup() -> None:
    """Idempotent: missions that already have settings are left as they are."""
    for mission in Mission.objects.filter(interview_settings__isnull=True):
        InterviewSettings.objects.create(mission=mission)
        Venue.objects.get_or_create(mission=mission, name="Room 1", defaults={"mode": "in_person"})
        Venue.objects.get_or_create(
            mission=mission,
            name="Video link",
            defaults={"mode": "video", "url": f"https://meet.example/{mission.code}"},
        )
    panel = StaffUser.objects.filter(
        role__in=[Role.ATTACHE, Role.CONSUL], weekly_hours=None
    ).select_related("mission")
    WeeklyHours.objects.bulk_create(
        WeeklyHours(mission=member.mission, staff=member, weekday=day, start=s, end=e)
        for member in panel
        for day in range(5)
        for s, e in OFFICE_HOURS
    )


# Per mission: the demo's missions are small, and a slot plan good enough for a demo is found
# well within this (the scheduler keeps its best plan at the limit).
DEMO_TIME_LIMIT_SECONDS = 1.0


def demo_interviews_book(*, now: datetime.datetime) -> int:
    """Book the cases waiting at interview with the scheduler `enlist interviews schedule`
    uses (invitations queued for the worker as usual); returns how many were booked."""
    waiting = (
        Mission.objects.filter(is_active=True, applications__stage="interview")
        .distinct()
        .order_by("code")
    )
    outcomes = interviews_schedule(
        missions=list(waiting), now=now, time_limit=DEMO_TIME_LIMIT_SECONDS
    )
    return sum(len(outcome.result.new) for outcome in outcomes)
