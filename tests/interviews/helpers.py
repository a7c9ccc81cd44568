"""Building interview rows for tests (the booking service is tested on its own)."""

from __future__ import annotations

import datetime

from enlist.interviews.models import Interview, InterviewStatus, Venue


def venue_of(mission, *, name="Room 1", mode="in_person", url="") -> Venue:
    venue, _ = Venue.objects.get_or_create(
        mission=mission, name=name, defaults={"mode": mode, "url": url}
    )
    return venue


def interview_for(
    application,
    attache,
    consul,
    *,
    start: datetime.datetime,
    status: str = InterviewStatus.BOOKED,
    minutes: int = 45,
) -> Interview:
    return Interview.objects.create(
        application=application,
        mission=application.mission,
        start=start,
        end=start + datetime.timedelta(minutes=minutes),
        attache=attache,
        consul=consul,
        venue=venue_of(application.mission),
        status=status,
    )
