"""The independent schedule checker on its own: schedules written by hand, one rule broken at a
time, and the exact violations it must report (kind and message). The scheduling tests trust
this oracle to catch a wrong solver, so it gets tests of its own, independent of any solver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from enlist.interviews.scheduling import (
    Booking,
    Interpreter,
    MissionProblem,
    PanelMember,
    ScheduleResult,
    Venue,
    WaitingCase,
    Window,
)
from enlist.interviews.scheduling.check import schedule_violations

DAY = datetime(2027, 1, 11, tzinfo=UTC)  # a Monday
MIN = timedelta(minutes=1)


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    return DAY + timedelta(days=day, hours=hour, minutes=minute)


def window(start: datetime, end: datetime) -> Window:
    return Window(start, end)


MORNING = (window(at(9), at(12)),)
ATTACHE = PanelMember("att", "attache", frozenset({"en"}), MORNING)
CONSUL = PanelMember("con", "consul", frozenset({"en"}), MORNING)
ROOM = Venue("room", "in_person", (window(at(0), at(0, day=1)),))
INTERPRETER = Interpreter("int", frozenset({"uk", "en"}), MORNING)


def case(cid: str = "c1", languages=("en",), unavailable=(), modes=("in_person", "video")):
    return WaitingCase(
        cid,
        frozenset(languages),
        tuple(unavailable),
        False,
        datetime(2026, 12, 1, tzinfo=UTC),
        frozenset(modes),
    )


def booking(cid: str = "c1", start: datetime | None = None, length=45 * MIN, **kw) -> Booking:
    start = start or at(9)
    values = {
        "attache_id": "att",
        "consul_id": "con",
        "venue_id": "room",
        "interpreter_id": None,
        "confirmed": False,
    }
    values.update(kw)
    return Booking(cid, start, start + length, **values)


def problem(cases=None, *, existing=(), members=(ATTACHE, CONSUL), venues=(ROOM,), **kw):
    return MissionProblem(
        mission="VNO",
        members=tuple(members),
        venues=tuple(venues),
        interpreters=(INTERPRETER,),
        cases=tuple(cases if cases is not None else [case()]),
        existing=tuple(existing),
        length=45 * MIN,
        buffer=15 * MIN,
        horizon=window(at(0), at(0, day=1)),
        **kw,
    )


def result(new=(), kept=()) -> ScheduleResult:
    return ScheduleResult(
        mission="VNO",
        bookings=tuple(kept) + tuple(new),
        new=tuple(new),
        unbooked={},
        objective=len(new),
        bound=len(new),
        optimal=True,
        seconds=0.0,
    )


def test_a_valid_schedule_has_no_violation():
    two = [case("c1"), case("c2")]
    # c2 starts exactly one buffer after c1 ends: allowed.
    schedule = result(new=[booking("c1", at(9)), booking("c2", at(10))])
    assert schedule_violations(problem(two), schedule) == []


def test_the_empty_schedule_of_an_empty_problem_is_valid():
    assert schedule_violations(problem([]), result()) == []


def test_a_confirmed_existing_booking_that_vanished_is_moved():
    kept = booking("c0", at(11), confirmed=True)
    assert schedule_violations(problem(existing=[kept]), result()) == [
        ("moved", "existing booking of c0 changed or vanished")
    ]
    assert schedule_violations(problem(existing=[kept]), result(kept=[kept])) == []


@pytest.mark.parametrize(("replan", "expected"), [(False, 1), (True, 0)])
def test_an_unconfirmed_existing_booking_may_move_only_on_a_replan(replan, expected):
    unconfirmed = booking("c0", at(11))
    violations = schedule_violations(
        problem(existing=[unconfirmed], replan_unconfirmed=replan), result()
    )
    assert violations == [("moved", "existing booking of c0 changed or vanished")] * expected


def test_a_case_booked_twice_is_double():
    schedule = result(new=[booking("c1", at(9)), booking("c1", at(11), venue_id="room")])
    assert ("double", "case c1 booked 2 times") in schedule_violations(problem(), schedule)


def test_a_panel_and_room_inside_the_buffer_are_each_double():
    schedule = result(new=[booking("c1", at(9)), booking("c2", at(9, 45))])
    assert schedule_violations(problem([case("c1"), case("c2")]), schedule) == [
        ("double", "member att at 2027-01-11 09:00 and 2027-01-11 09:45:00+00:00"),
        ("double", "member con at 2027-01-11 09:00 and 2027-01-11 09:45:00+00:00"),
        ("double", "venue room at 2027-01-11 09:00 and 2027-01-11 09:45:00+00:00"),
    ]


def test_an_interpreter_booked_twice_at_once_is_double():
    other_panel = (
        PanelMember("att2", "attache", frozenset({"en"}), MORNING),
        PanelMember("con2", "consul", frozenset({"en"}), MORNING),
    )
    rooms = (ROOM, Venue("room2", "in_person", MORNING))
    schedule = result(
        new=[
            booking("c1", at(9), interpreter_id="int"),
            booking(
                "c2", at(9), attache_id="att2", consul_id="con2", venue_id="room2",
                interpreter_id="int",
            ),
        ]
    )  # fmt: skip
    violations = schedule_violations(
        problem([case("c1"), case("c2")], members=(ATTACHE, CONSUL, *other_panel), venues=rooms),
        schedule,
    )
    assert violations == [
        ("double", "interpreter int at 2027-01-11 09:00 and 2027-01-11 09:00:00+00:00")
    ]


def test_two_kept_bookings_close_together_are_not_this_plans_fault():
    close = [booking("c1", at(9), confirmed=True), booking("c2", at(9, 50), confirmed=True)]
    assert schedule_violations(problem([], existing=close), result(kept=close)) == []


@pytest.mark.parametrize(
    "wrong",
    [
        {"attache_id": "con"},
        {"consul_id": "att"},
        {"attache_id": "nobody"},
        {"consul_id": "nobody"},
        {"venue_id": "elsewhere"},
        {"interpreter_id": "nobody"},
    ],
    ids=lambda wrong: "-".join(f"{k}={v}" for k, v in wrong.items()),
)
def test_a_booking_naming_an_unknown_or_wrong_resource_is_unknown(wrong):
    violations = schedule_violations(problem(), result(new=[booking(**wrong)]))
    assert ("unknown", "booking of c1 names an unknown or wrong resource") in violations
    assert [kind for kind, _ in violations if kind != "double"] == ["unknown"]


def test_a_booking_for_a_case_not_in_the_problem_is_unknown():
    violations = schedule_violations(problem(), result(new=[booking("stranger")]))
    assert violations == [("unknown", "booking of stranger names an unknown or wrong resource")]


def test_a_booking_of_the_wrong_length_is_off_the_grid():
    violations = schedule_violations(problem(), result(new=[booking(length=30 * MIN)]))
    assert violations == [("grid", "booking of c1 is not 0:45:00 long")]


def test_a_booking_off_the_step_grid_is_reported():
    violations = schedule_violations(problem(), result(new=[booking(start=at(9, 5))]))
    assert violations == [("grid", "booking of c1 off the step grid")]


def test_a_booking_outside_the_horizon_is_reported():
    all_week = (window(at(0, day=-1), at(0, day=7)),)
    members = (
        PanelMember("att", "attache", frozenset({"en"}), all_week),
        PanelMember("con", "consul", frozenset({"en"}), all_week),
    )
    venues = (Venue("room", "in_person", all_week),)
    late = booking(start=at(23, 30))  # ends 00:15 the next day
    assert schedule_violations(problem(members=members, venues=venues), result(new=[late])) == [
        ("horizon", "booking of c1 outside the horizon")
    ]
    last = booking(start=at(23, 15))  # ends exactly at the horizon's end
    assert schedule_violations(problem(members=members, venues=venues), result(new=[last])) == []
    early = booking(start=at(23, 45, day=-1))
    assert schedule_violations(problem(members=members, venues=venues), result(new=[early])) == [
        ("horizon", "booking of c1 outside the horizon")
    ]


def test_a_panel_member_past_their_hours_is_not_available():
    violations = schedule_violations(problem(), result(new=[booking(start=at(11, 30))]))
    assert violations == [
        ("availability", "att not available for c1"),
        ("availability", "con not available for c1"),
    ]


def test_a_booking_ending_exactly_when_hours_end_is_available():
    assert schedule_violations(problem(), result(new=[booking(start=at(11, 15))])) == []


def test_adjacent_windows_count_as_one():
    split = (window(at(9), at(10)), window(at(10), at(12)))
    members = (
        PanelMember("att", "attache", frozenset({"en"}), split),
        PanelMember("con", "consul", frozenset({"en"}), (window(at(9), at(9, 50)),)),
    )
    violations = schedule_violations(
        problem(members=members), result(new=[booking(start=at(9, 30))])
    )
    assert violations == [("availability", "con not available for c1")]


def test_a_busy_interpreter_is_not_available():
    late_interpreter = booking(start=at(11, 30), interpreter_id="int")
    violations = schedule_violations(problem(), result(new=[late_interpreter]))
    assert ("availability", "int not available for c1") in violations


def test_a_case_booked_in_its_unavailable_window_is_reported():
    busy = case(unavailable=[window(at(9, 30), at(9, 40))])
    assert schedule_violations(problem([busy]), result(new=[booking()])) == [
        ("unavailable", "case c1 booked in an unavailable window")
    ]


@pytest.mark.parametrize(
    "touching", [window(at(9, 45), at(10)), window(at(8), at(9))], ids=["after", "before"]
)
def test_an_unavailable_window_that_only_touches_the_booking_is_fine(touching):
    assert schedule_violations(problem([case(unavailable=[touching])]), result([booking()])) == []


def test_a_video_booking_for_an_in_person_only_case_is_the_wrong_mode():
    video = Venue("call", "video", (window(at(0), at(0, day=1)),))
    violations = schedule_violations(
        problem([case(modes=("in_person",))], venues=(ROOM, video)),
        result(new=[booking(venue_id="call")]),
    )
    assert violations == [("mode", "case c1 booked video")]


def test_no_common_language_and_no_interpreter_is_reported():
    ukrainian = case(languages=("uk",))
    assert schedule_violations(problem([ukrainian]), result(new=[booking()])) == [
        ("interpreter", "case c1 has no common language")
    ]


def test_an_interpreter_who_speaks_the_cases_language_bridges_it():
    ukrainian = case(languages=("uk",))
    bridged = booking(interpreter_id="int")
    assert schedule_violations(problem([ukrainian]), result(new=[bridged])) == []


def test_an_interpreter_without_the_cases_language_does_not_bridge():
    georgian = case(languages=("ka",))
    violations = schedule_violations(
        problem([georgian]), result(new=[booking(interpreter_id="int")])
    )
    assert violations == [("interpreter", "case c1 has no common language")]


def test_a_language_shared_with_either_panel_member_is_enough():
    members = (ATTACHE, PanelMember("con", "consul", frozenset({"uk"}), MORNING))
    ukrainian = case(languages=("uk",))
    assert schedule_violations(problem([ukrainian], members=members), result([booking()])) == []


def test_a_new_booking_too_close_to_a_kept_one_is_double():
    kept = booking("c0", at(9), confirmed=True)
    close = booking("c1", at(9, 45))
    violations = schedule_violations(
        problem([case("c0"), case("c1")], existing=[kept]), result(new=[close], kept=[kept])
    )
    assert violations == [
        ("double", "member att at 2027-01-11 09:00 and 2027-01-11 09:45:00+00:00"),
        ("double", "member con at 2027-01-11 09:00 and 2027-01-11 09:45:00+00:00"),
        ("double", "venue room at 2027-01-11 09:00 and 2027-01-11 09:45:00+00:00"),
    ]


def test_every_booking_is_checked_after_one_with_an_unknown_resource():
    schedule = result(new=[booking("c1", venue_id="elsewhere"), booking("c2", at(11, 30))])
    assert schedule_violations(problem([case("c1"), case("c2")]), schedule) == [
        ("unknown", "booking of c1 names an unknown or wrong resource"),
        ("availability", "att not available for c2"),
        ("availability", "con not available for c2"),
    ]


def test_a_booking_at_the_very_start_of_the_horizon_is_inside_it():
    all_day = (window(at(0), at(0, day=1)),)
    members = (
        PanelMember("att", "attache", frozenset({"en"}), all_day),
        PanelMember("con", "consul", frozenset({"en"}), all_day),
    )
    assert schedule_violations(problem(members=members), result(new=[booking(start=at(0))])) == []
