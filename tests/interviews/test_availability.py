"""Weekly hours and exceptions in a mission's time zone, expanded to UTC windows."""

from datetime import UTC, date, datetime, time

import pytest

from enlist.interviews.availability import DatedException, WeeklyHours, expand_availability
from enlist.interviews.scheduling import Window

WEEKDAYS_9_TO_17 = [(d, time(9), time(17)) for d in range(5)]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_vilnius_hours_move_one_hour_earlier_in_utc_after_the_last_sunday_of_march():
    windows = expand_availability(
        weekly=WEEKDAYS_9_TO_17, tz="Europe/Vilnius", first_day=date(2027, 3, 26),
        last_day=date(2027, 3, 29),
    )  # fmt: skip
    # Friday 26 March in winter time (UTC+2), Monday 29 March in summer time (UTC+3).
    assert windows == (
        Window(utc(2027, 3, 26, 7), utc(2027, 3, 26, 15)),
        Window(utc(2027, 3, 29, 6), utc(2027, 3, 29, 14)),
    )


def test_autumn_change_gives_the_later_utc_hours_back():
    windows = expand_availability(
        weekly=[WeeklyHours(4, time(9), time(17)), WeeklyHours(0, time(9), time(17))],
        tz="Europe/Vilnius", first_day=date(2027, 10, 29), last_day=date(2027, 11, 1),
    )  # fmt: skip
    assert windows == (
        Window(utc(2027, 10, 29, 6), utc(2027, 10, 29, 14)),
        Window(utc(2027, 11, 1, 7), utc(2027, 11, 1, 15)),
    )


def test_whole_day_absence_removes_the_day_and_partial_absence_cuts_a_hole():
    windows = expand_availability(
        weekly=WEEKDAYS_9_TO_17,
        exceptions=[
            (date(2027, 1, 11), None, None, "absent"),
            DatedException(date(2027, 1, 12), time(12), time(13, 30), "absent"),
        ],
        tz="Europe/Oslo", first_day=date(2027, 1, 11), last_day=date(2027, 1, 12),
    )  # fmt: skip
    assert windows == (
        Window(utc(2027, 1, 12, 8), utc(2027, 1, 12, 11)),
        Window(utc(2027, 1, 12, 12, 30), utc(2027, 1, 12, 16)),
    )


def test_extra_session_on_a_saturday_and_touching_extra_hours_merge():
    windows = expand_availability(
        weekly=WEEKDAYS_9_TO_17,
        exceptions=[
            (date(2027, 1, 16), time(10), time(12), "extra"),
            (date(2027, 1, 15), time(17), time(19), "extra"),
        ],
        tz="Asia/Tbilisi", first_day=date(2027, 1, 15), last_day=date(2027, 1, 16),
    )  # fmt: skip
    assert windows == (
        Window(utc(2027, 1, 15, 5), utc(2027, 1, 15, 15)),
        Window(utc(2027, 1, 16, 6), utc(2027, 1, 16, 8)),
    )


def test_hours_past_midnight_run_into_the_next_day():
    windows = expand_availability(
        weekly=[(0, time(22), time(2))], tz="UTC", first_day=date(2027, 1, 4),
        last_day=date(2027, 1, 4),
    )  # fmt: skip
    assert windows == (Window(utc(2027, 1, 4, 22), utc(2027, 1, 5, 2)),)


def test_half_hour_zone_is_kept_to_the_minute():
    windows = expand_availability(
        weekly=[(0, time(9), time(17))], tz="Asia/Kolkata", first_day=date(2027, 1, 4),
        last_day=date(2027, 1, 4),
    )  # fmt: skip
    assert windows == (Window(utc(2027, 1, 4, 3, 30), utc(2027, 1, 4, 11, 30)),)


@pytest.mark.parametrize(
    "exception",
    [
        (date(2027, 1, 4), None, None, "holiday"),
        (date(2027, 1, 4), time(9), None, "absent"),
        (date(2027, 1, 4), None, None, "extra"),
    ],
)
def test_malformed_exception_is_refused(exception):
    with pytest.raises(ValueError):
        expand_availability(
            weekly=WEEKDAYS_9_TO_17, exceptions=[exception], tz="UTC",
            first_day=date(2027, 1, 4), last_day=date(2027, 1, 4),
        )  # fmt: skip
