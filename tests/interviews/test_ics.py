"""The .ics engine alone (pure): local time with its VTIMEZONE, REQUEST and CANCEL."""

from __future__ import annotations

import datetime

import pytest
from icalendar import Calendar

from enlist.interviews.ics import IcsEvent, ics_cancel, ics_request


def _event(start: datetime.datetime, *, sequence: int = 0) -> IcsEvent:
    return IcsEvent(
        uid="abc@enlist",
        sequence=sequence,
        start=start,
        end=start + datetime.timedelta(minutes=45),
        timezone="Europe/Vilnius",
        summary="Appointment",
        description="https://example.org/appointment/?t=x",
        organizer_email="no-reply@example.org",
        organizer_name="Appointments Office",
        attendees=("someone@example.org",),
        stamp=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
    )


@pytest.mark.parametrize(
    ("utc", "local_hour"),
    [
        # Vilnius: UTC+2 in winter, UTC+3 from 28 March 2027 (EU summer time).
        (datetime.datetime(2027, 3, 26, 8, 0, tzinfo=datetime.UTC), 10),
        (datetime.datetime(2027, 3, 29, 7, 0, tzinfo=datetime.UTC), 10),
    ],
)
def test_request_carries_the_missions_local_time(utc, local_hour):
    calendar = Calendar.from_ical(ics_request(_event(utc)))
    assert calendar["method"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.hour, start.minute) == (local_hour, 0)
    assert start == utc
    assert event["dtstart"].params["TZID"] == "Europe/Vilnius"
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/Vilnius"
    assert (str(event["uid"]), int(event["sequence"])) == ("abc@enlist", 0)
    assert str(event["organizer"]) == "mailto:no-reply@example.org"
    assert str(event["attendee"]) == "mailto:someone@example.org"


def test_cancel_keeps_the_uid_and_the_sequence_it_is_given():
    start = datetime.datetime(2027, 5, 3, 9, 0, tzinfo=datetime.UTC)
    calendar = Calendar.from_ical(ics_cancel(_event(start, sequence=3)))
    assert calendar["method"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert (str(event["uid"]), int(event["sequence"]), str(event["status"])) == (
        "abc@enlist",
        3,
        "CANCELLED",
    )
