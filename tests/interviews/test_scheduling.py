"""The scheduling engine: panel rules, priority, interpreters, existing bookings, the bound."""

from datetime import UTC, datetime, timedelta

from enlist.interviews.scheduling import (
    Booking,
    Interpreter,
    MissionProblem,
    PanelMember,
    Venue,
    WaitingCase,
    Window,
    schedule_interviews,
)
from enlist.interviews.scheduling.check import schedule_violations

DAY = datetime(2027, 1, 11, tzinfo=UTC)  # a Monday
MIN = timedelta(minutes=1)


def at(hour, minute=0, day=0):
    return DAY + timedelta(days=day, hours=hour, minutes=minute)


def hours(start, end, days=1):
    return tuple(Window(at(start, day=d), at(end, day=d)) for d in range(days))


def member(mid, role, languages=("en",), available=None):
    return PanelMember(mid, role, frozenset(languages), available or hours(9, 12))


def case(cid, languages=("en",), *, recommended=False, since=1, unavailable=(), modes=None):
    extra = {"modes": frozenset(modes)} if modes else {}
    return WaitingCase(
        cid, frozenset(languages), tuple(unavailable), recommended,
        datetime(2026, 12, since, tzinfo=UTC), **extra,
    )  # fmt: skip


def problem(cases, *, members=None, venues=None, interpreters=(), existing=(), **kw):
    return MissionProblem(
        mission="VNO",
        members=members or (member("att", "attache"), member("con", "consul")),
        venues=venues or (Venue("room", "in_person", hours(0, 24)),),
        interpreters=tuple(interpreters),
        cases=tuple(cases),
        existing=tuple(existing),
        length=kw.pop("length", 45 * MIN),
        buffer=kw.pop("buffer", 15 * MIN),
        horizon=kw.pop("horizon", Window(at(0), at(0, day=1))),
        **kw,
    )


def solve(p, **kw):
    result = schedule_interviews(p, **kw)
    assert schedule_violations(p, result) == []
    return result


def starts(result):
    return {b.case_id: b.start for b in result.new}


def test_three_hours_with_buffer_give_three_interviews_an_hour_apart():
    result = solve(problem([case(f"k{i}", since=i + 1) for i in range(5)]))
    assert starts(result) == {"k0": at(9), "k1": at(10), "k2": at(11)}
    assert (result.objective, result.bound, result.optimal) == (3, 3, True)
    assert result.unbooked == {
        "k3": "every suitable slot is taken by cases ahead in the queue",
        "k4": "every suitable slot is taken by cases ahead in the queue",
    }


def test_recommended_first_then_longest_waiting_and_earlier_slots_to_higher_priority():
    cases = [
        case("new", since=20),
        case("old", since=2),
        case("rec-new", since=25, recommended=True),
        case("rec-old", since=10, recommended=True),
        case("oldest", since=1),
    ]
    result = solve(problem(cases))
    assert starts(result) == {"rec-old": at(9), "rec-new": at(10), "oldest": at(11)}
    assert set(result.unbooked) == {"old", "new"}


def test_a_booking_needs_both_an_attache_and_a_consul_free():
    members = (
        member("att", "attache", available=hours(9, 11)),
        member("con", "consul", available=hours(10, 13)),
    )
    result = solve(problem([case("a"), case("b", since=2)], members=members))
    assert starts(result) == {"a": at(10)}
    assert result.bound == 1


def test_no_consul_means_no_panel_slot():
    result = solve(problem([case("a")], members=(member("att", "attache"),)))
    assert result.new == ()
    assert result.unbooked["a"].startswith("no panel slot within the horizon")
    assert result.bound == 0


def test_interpreter_is_required_when_the_panel_shares_no_language():
    cases = [case("ka", languages=("ka",))]
    result = solve(problem(cases))
    assert result.unbooked == {"ka": "needs an interpreter for 'ka'; none available"}
    assert result.bound == 0

    interpreter = Interpreter("int-ka", frozenset({"ka", "ru"}), hours(11, 12))
    result = solve(problem(cases, interpreters=[interpreter]))
    assert [(b.case_id, b.start, b.interpreter_id) for b in result.new] == [
        ("ka", at(11), "int-ka")
    ]


def test_interpreter_not_free_at_any_panel_slot_is_said_so():
    interpreter = Interpreter("int-ka", frozenset({"ka"}), hours(14, 16))
    result = solve(problem([case("ka", languages=("ka",))], interpreters=[interpreter]))
    assert result.unbooked == {"ka": "needs an interpreter for 'ka'; none free at any panel slot"}


def test_no_interpreter_when_one_panel_member_speaks_the_language():
    members = (member("att", "attache", ("en",)), member("con", "consul", ("uk", "lt")))
    interpreter = Interpreter("int-uk", frozenset({"uk"}), hours(0, 24))
    result = solve(problem([case("u", languages=("uk",))], members=members,
                           interpreters=[interpreter]))  # fmt: skip
    assert [(b.case_id, b.interpreter_id) for b in result.new] == [("u", None)]


def test_one_interpreter_serves_one_interview_at_a_time_across_two_panels():
    members = (
        member("a1", "attache"), member("a2", "attache"),
        member("c1", "consul"), member("c2", "consul"),
    )  # fmt: skip
    venues = (Venue("r1", "in_person", hours(0, 24)), Venue("v1", "video", hours(0, 24)))
    interpreter = Interpreter("int-ka", frozenset({"ka"}), hours(0, 24))
    cases = [case(f"ka{i}", languages=("ka",), since=i + 1) for i in range(4)]
    result = solve(problem(cases, members=members, venues=venues, interpreters=[interpreter]))
    assert sorted(starts(result).values()) == [at(9), at(10), at(11)]


def test_applicant_unavailable_windows_are_respected():
    cases = [
        case("busy-morning", unavailable=[Window(at(8), at(10, 30))], recommended=True),
        case("never", unavailable=[Window(at(0), at(0, day=1))], recommended=True),
        case("free", since=2),
    ]
    result = solve(problem(cases))
    assert starts(result) == {"busy-morning": at(11), "free": at(9)}
    assert result.unbooked == {"never": "unavailable on every free slot"}


def test_video_only_applicant_gets_the_video_link():
    venues = (Venue("room", "in_person", hours(0, 24)), Venue("link", "video", hours(0, 24)))
    members = (
        member("a1", "attache"), member("a2", "attache"),
        member("c1", "consul"), member("c2", "consul"),
    )  # fmt: skip
    cases = [case("v", modes={"video"}, since=5), case("p", modes={"in_person"}, since=1)]
    result = solve(problem(cases, members=members, venues=venues))
    by_case = {b.case_id: (b.start, b.venue_id) for b in result.new}
    assert by_case == {"p": (at(9), "room"), "v": (at(9), "link")}


def test_video_only_applicant_without_a_video_link_says_why():
    result = solve(problem([case("v", modes={"video"})]))
    assert result.unbooked == {
        "v": "no room or video link for the modes the applicant accepts (video)"
    }


def booking(cid, hour, *, confirmed, attache="att", consul="con", venue="room"):
    return Booking(cid, at(hour), at(hour, 45), attache, consul, venue, None, confirmed)


def test_confirmed_booking_is_kept_and_blocks_its_panel_with_the_buffer():
    existing = [booking("held", 10, confirmed=True)]
    p = problem([case("a"), case("b", since=2), case("c", since=3)], existing=existing)
    result = solve(p)
    assert starts(result) == {"a": at(9), "b": at(11)}
    assert result.bookings[0] == existing[0]
    assert "held" not in result.unbooked


def test_unconfirmed_booking_stays_unless_replanning_is_asked():
    existing = [booking("soft", 11, confirmed=False), booking("held", 10, confirmed=True)]
    cases = [case("soft", since=5), case("urgent", recommended=True)]
    kept = solve(problem(cases, existing=existing))
    assert set(kept.bookings) >= set(existing)
    assert starts(kept) == {"urgent": at(9)}
    assert kept.released == ()

    replanned = solve(problem(cases, existing=existing, replan_unconfirmed=True))
    assert existing[1] in replanned.bookings
    assert replanned.released == (existing[0],)
    assert starts(replanned) == {"urgent": at(9), "soft": at(11)}


def test_replan_with_nothing_changed_moves_nobody():
    cases = [case(f"k{i}", since=i + 1) for i in range(5)]
    first = solve(problem(cases))
    again = solve(problem(cases, existing=first.new, replan_unconfirmed=True))
    assert again.released == first.new
    assert again.new == first.new


def test_newcomer_ahead_in_the_queue_moves_only_the_last_holder():
    cases = [case(f"k{i}", since=i + 1) for i in range(3)]
    first = solve(problem(cases))
    assert starts(first) == {"k0": at(9), "k1": at(10), "k2": at(11)}
    queue = [*cases, case("urgent", recommended=True, since=20)]

    kept = solve(problem(queue, existing=first.new))
    assert kept.new == ()
    assert kept.unbooked == {"urgent": "no free panel slot within the horizon"}

    again = solve(problem(queue, existing=first.new, replan_unconfirmed=True))
    assert starts(again) == {"k0": at(9), "k1": at(10), "urgent": at(11)}
    assert set(again.unbooked) == {"k2"}


def test_replan_moves_a_booking_whose_panel_is_no_longer_there():
    cases = [case("a"), case("b", since=2)]
    first = solve(problem(cases))
    assert starts(first) == {"a": at(9), "b": at(10)}
    members = (
        member("att", "attache", available=(Window(at(10), at(12)),)),  # now away at 09:00
        member("con", "consul"),
    )
    again = solve(problem(cases, members=members, existing=first.new, replan_unconfirmed=True))
    assert starts(again) == {"a": at(11), "b": at(10)}


def test_existing_booking_of_a_case_not_in_the_queue_is_released_but_not_rebooked():
    existing = [booking("gone", 9, confirmed=False)]
    result = solve(problem([case("a")], existing=existing, replan_unconfirmed=True))
    assert result.released == (existing[0],)
    assert starts(result) == {"a": at(9)}


def test_starts_lie_on_the_step_grid():
    members = (
        member("att", "attache", available=(Window(at(9, 5), at(11)),)),
        member("con", "consul"),
    )
    result = solve(problem([case("a"), case("b", since=2)], members=members,
                           step=10 * MIN, buffer=0 * MIN))  # fmt: skip
    assert starts(result) == {"a": at(9, 10), "b": at(10)}


def test_grid_runs_through_round_times_whatever_the_horizon_start():
    horizon = Window(at(8, 7) + timedelta(seconds=30), at(0, day=1))
    result = solve(problem([case("a"), case("b", since=2)], horizon=horizon))
    assert starts(result) == {"a": at(9), "b": at(10)}


def test_a_mission_across_the_spring_clock_change_keeps_its_local_hours():
    from datetime import date, time

    from enlist.interviews.availability import expand_availability

    # Vilnius, Friday 26 and Monday 29 March 2027: the clocks went forward on Sunday 28.
    hours = expand_availability(
        weekly=[(4, time(9), time(10)), (0, time(9), time(10))], tz="Europe/Vilnius",
        first_day=date(2027, 3, 26), last_day=date(2027, 3, 29),
    )  # fmt: skip
    horizon = Window(datetime(2027, 3, 25, 22, tzinfo=UTC), datetime(2027, 3, 29, 21, tzinfo=UTC))
    members = (member("att", "attache", available=hours), member("con", "consul", available=hours))
    venues = (Venue("room", "in_person", (horizon,)),)
    cases = [case("a"), case("b", since=2)]
    result = solve(problem(cases, members=members, venues=venues, horizon=horizon))
    assert starts(result) == {
        "a": datetime(2027, 3, 26, 7, tzinfo=UTC),
        "b": datetime(2027, 3, 29, 6, tzinfo=UTC),
    }


def test_gap_filling_books_what_the_packed_slots_miss():
    # 09:00-10:15 holds one 45-minute interview; the packed slot at 09:00 clashes with the
    # applicant's 09:00-09:15, so the case goes in between at 09:15.
    members = (
        member("att", "attache", available=(Window(at(9), at(10, 15)),)),
        member("con", "consul", available=(Window(at(9), at(10, 15)),)),
    )
    cases = [case("late", unavailable=[Window(at(9), at(9, 15))])]
    result = solve(problem(cases, members=members))
    assert result.method == "slots+matching+gaps"
    assert (result.objective, result.bound, result.optimal) == (1, 1, True)
    assert starts(result) == {"late": at(9, 15)}


def test_cp_sat_books_both_where_first_come_placement_books_one():
    # Panel 09:00-11:00 packs slots at 09:00 and 09:45, which neither applicant can take.
    # Placing the recommended one at its earliest time (09:15) would shut out the other,
    # who can only start at 09:15; CP-SAT moves the recommended one to 10:15.
    panel = (Window(at(9), at(11)),)
    members = (member("att", "attache", available=panel), member("con", "consul", available=panel))
    cases = [
        case("first", recommended=True,
             unavailable=[Window(at(9), at(9, 15)), Window(at(10), at(10, 15))]),
        case("second", unavailable=[Window(at(9), at(9, 15)), Window(at(10), at(11))]),
    ]  # fmt: skip
    result = solve(problem(cases, members=members, buffer=0 * MIN))
    assert result.method == "cp-sat"
    assert (result.objective, result.bound, result.optimal) == (2, 2, True)
    assert starts(result) == {"first": at(10, 15), "second": at(9, 15)}


def test_cp_sat_proves_optimal_when_the_bound_is_loose():
    # The applicant's only free stretch (09:00-09:30) is shorter than an interview: the
    # capacity bound still counts them, the exact model proves nobody can be booked.
    cases = [case("short", unavailable=[Window(at(0), at(9)), Window(at(9, 30), at(0, day=1))])]
    result = solve(problem(cases))
    assert (result.objective, result.bound, result.optimal) == (0, 0, True)
    assert result.unbooked == {"short": "unavailable on every free slot"}


def test_same_case_twice_in_the_queue_is_booked_once():
    result = solve(problem([case("a"), case("a")]))
    assert [b.case_id for b in result.new] == ["a"]


def test_bound_counts_the_scarcer_role_per_day():
    members = (
        member("a1", "attache", available=hours(9, 12, days=2)),
        member("a2", "attache", available=hours(9, 12, days=1)),
        member("c1", "consul", available=hours(9, 12, days=2)),
        member("c2", "consul", available=hours(9, 12, days=2)),
    )
    venues = (Venue("r1", "in_person", hours(0, 24, 2)), Venue("r2", "in_person", hours(0, 24, 2)))
    cases = [case(f"k{i:02}", since=1 + i % 28) for i in range(20)]
    horizon = Window(at(0), at(0, day=2))
    result = solve(problem(cases, members=members, venues=venues, horizon=horizon))
    # day 1: two attachés, two consuls -> 6; day 2: one attaché -> 3
    assert (result.objective, result.bound, result.optimal) == (9, 9, True)


def test_checker_flags_double_bookings_availability_and_moved_confirmed_bookings():
    from dataclasses import replace

    held = booking("held", 10, confirmed=True)
    p = problem([case("a"), case("b", since=2)], existing=[held])
    good = schedule_interviews(p)
    clash = replace(good.new[0], case_id="b", start=at(10, 30), end=at(11, 15))
    night = replace(good.new[0], start=at(20), end=at(20, 45))
    bad = replace(good, bookings=(held, clash, night), new=(clash, night))
    kinds = sorted(kind for kind, _ in schedule_violations(p, bad))
    assert kinds == ["availability", "availability", "double", "double", "double"]
    vanished = replace(good, bookings=good.new)
    assert [kind for kind, _ in schedule_violations(p, vanished)] == ["moved"]


def test_engine_modules_import_no_django():
    import ast
    from pathlib import Path

    import enlist.interviews.scheduling as engine

    package = Path(engine.__file__).parent
    paths = [package.parent / "availability.py", *package.glob("*.py")]
    assert {p.name for p in paths} >= {"types.py", "solve.py", "slots.py", "check.py"}
    offenders = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []
