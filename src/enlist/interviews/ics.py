"""Calendar invitations (RFC 5545 / iTIP RFC 5546) for interviews. Pure: no Django.

One event per interview. Its UID never changes; every change of time, place or status
raises SEQUENCE, so calendar clients replace the earlier version instead of adding another.
DTSTART and DTEND carry the mission's time zone (TZID with a VTIMEZONE generated from the
IANA database), so the applicant's calendar shows the local time of the mission on the day,
daylight saving included.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Enlist//Appointments//EN"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    sequence: int
    start: datetime.datetime  # aware
    end: datetime.datetime  # aware
    timezone: str  # IANA name of the mission's zone
    summary: str
    description: str
    organizer_email: str
    organizer_name: str
    attendees: tuple[str, ...] = ()
    location: str = ""
    stamp: datetime.datetime | None = None  # DTSTAMP; now when None


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(event: IcsEvent, *, status: str) -> Event:
    zone = zoneinfo.ZoneInfo(event.timezone)
    item = Event()
    item.add("uid", event.uid)
    item.add("sequence", event.sequence)
    item.add(
        "dtstamp", (event.stamp or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    )
    item.add("dtstart", event.start.astimezone(zone))
    item.add("dtend", event.end.astimezone(zone))
    item.add("summary", event.summary)
    item.add("description", event.description)
    if event.location:
        item.add("location", event.location)
    item.add("status", status)
    organizer = vCalAddress(f"mailto:{event.organizer_email}")
    organizer.params["cn"] = vText(event.organizer_name)
    item.add("organizer", organizer)
    for email in event.attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        item.add("attendee", attendee, encode=False)
    return item


def _render(calendar: Calendar, event: IcsEvent, *, status: str) -> bytes:
    calendar.add_component(_event(event, status=status))
    # A VTIMEZONE for every TZID used, with the transitions of the years around the event.
    year = event.start.year
    calendar.add_missing_timezones(
        first_date=datetime.date(year - 1, 1, 1), last_date=datetime.date(year + 2, 1, 1)
    )
    return calendar.to_ical()


def ics_request(event: IcsEvent) -> bytes:
    """METHOD:REQUEST: a new invitation, or an update of one (same UID, higher SEQUENCE)."""
    return _render(_calendar("REQUEST"), event, status="CONFIRMED")


def ics_cancel(event: IcsEvent) -> bytes:
    """METHOD:CANCEL: the appointment is off (same UID, higher SEQUENCE, STATUS:CANCELLED)."""
    return _render(_calendar("CANCEL"), event, status="CANCELLED")
