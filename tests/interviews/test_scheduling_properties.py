"""Property tests of the scheduler over random availability, queues and re-plans.

Every schedule passes the independent checker (nobody — attaché, consul, venue, interpreter,
applicant — booked twice at once or inside the buffer, nobody outside their availability or
inside their unavailable windows); a re-plan never moves a confirmed booking (nor an
unconfirmed one unless asked), and re-planning an unchanged mission moves nobody; the
reported bound is never below CP-SAT's proven optimum.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.interviews.scheduling import (
    Interpreter,
    MissionProblem,
    PanelMember,
    Venue,
    WaitingCase,
    Window,
    schedule_interviews,
)
from enlist.interviews.scheduling.check import schedule_violations
from enlist.interviews.scheduling.exact import solve_exact
from enlist.interviews.scheduling.slots import prepare
from tests.conftest import examples

ORIGIN = datetime(2027, 3, 1, tzinfo=UTC)
QUARTER = timedelta(minutes=15)
QUARTERS = 2 * 24 * 4  # a two-day horizon
LANGUAGES = ("en", "uk", "ka")

SETTINGS = settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def windows(draw, max_count=3, max_len=40):
    out = []
    for _ in range(draw(st.integers(0, max_count))):
        start = draw(st.integers(0, QUARTERS - 1))
        length = draw(st.integers(1, max_len))
        out.append(
            Window(ORIGIN + start * QUARTER, ORIGIN + min(start + length, QUARTERS) * QUARTER)
        )
    return tuple(out)


languages = st.frozensets(st.sampled_from(LANGUAGES), min_size=1, max_size=2)


@st.composite
def problems(draw):
    members = []
    for role in ("attache", "consul"):
        for k in range(draw(st.integers(1, 2))):
            members.append(PanelMember(f"{role}{k}", role, draw(languages), draw(windows(4, 48))))
    venues = tuple(
        Venue(f"venue{k}", draw(st.sampled_from(["in_person", "video"])), draw(windows(3, 96)))
        for k in range(draw(st.integers(1, 2)))
    )
    interpreters = tuple(
        Interpreter(f"interp{k}", draw(languages), draw(windows(3, 48)))
        for k in range(draw(st.integers(0, 2)))
    )
    cases = tuple(
        WaitingCase(
            id=f"case{k}",
            languages=draw(languages),
            unavailable=draw(windows(2, 30)),
            recommended=draw(st.booleans()),
            waiting_since=ORIGIN - timedelta(days=draw(st.integers(1, 60))),
            modes=draw(
                st.sampled_from(
                    [
                        frozenset({"in_person", "video"}),
                        frozenset({"video"}),
                        frozenset({"in_person"}),
                    ]
                )
            ),
        )  # fmt: skip
        for k in range(draw(st.integers(0, 9)))
    )
    return MissionProblem(
        mission="M",
        members=tuple(members),
        venues=venues,
        interpreters=interpreters,
        cases=cases,
        existing=(),
        length=draw(st.sampled_from([30, 45, 60])) * timedelta(minutes=1),
        buffer=draw(st.sampled_from([0, 15])) * timedelta(minutes=1),
        horizon=Window(ORIGIN, ORIGIN + QUARTERS * QUARTER),
        step=draw(st.sampled_from([15, 30])) * timedelta(minutes=1),
    )


@SETTINGS
@given(problems())
def test_every_schedule_passes_the_independent_checker(problem):
    result = schedule_interviews(problem, time_limit=2.0, workers=1)
    assert schedule_violations(problem, result) == []
    assert result.objective == len(result.new) <= result.bound
    assert set(result.unbooked) | {b.case_id for b in result.new} == {c.id for c in problem.cases}
    assert not set(result.unbooked) & {b.case_id for b in result.new}


@SETTINGS
@given(problems(), st.data())
def test_replan_never_moves_a_confirmed_booking(problem, data):
    first = schedule_interviews(problem, time_limit=2.0, workers=1)
    confirmed = [
        replace(b, confirmed=data.draw(st.booleans(), label=f"confirm {b.case_id}"))
        for b in first.new
    ]
    newcomers = tuple(
        WaitingCase(
            id=f"late{k}",
            languages=data.draw(languages, label="languages"),
            unavailable=(),
            recommended=data.draw(st.booleans(), label="recommended"),
            waiting_since=ORIGIN - timedelta(days=k + 90),  # ahead of everyone by waiting time
        )
        for k in range(data.draw(st.integers(0, 4), label="newcomers"))
    )
    replan = data.draw(st.booleans(), label="replan unconfirmed")
    second_problem = replace(
        problem,
        cases=problem.cases + newcomers,
        existing=tuple(confirmed),
        replan_unconfirmed=replan,
    )
    second = schedule_interviews(second_problem, time_limit=2.0, workers=1)
    assert schedule_violations(second_problem, second) == []
    kept = set(second.bookings)
    for booking in confirmed:
        if booking.confirmed or not replan:
            assert booking in kept
        else:
            assert booking in second.released
    held = {b.case_id for b in confirmed if b.confirmed or not replan}
    assert not held & {b.case_id for b in second.new}


@settings(max_examples=examples(30), deadline=None)
@given(problems())
def test_bound_is_never_below_the_proven_optimum(problem):
    result = schedule_interviews(problem, time_limit=2.0, workers=1)
    cases = sorted(problem.cases, key=lambda c: (not c.recommended, c.waiting_since, c.id))
    plan = prepare(problem, [], cases)
    exact = solve_exact(plan, hint=[], time_limit=5.0, workers=1)
    optimum = 0 if exact is None else len(exact.new)
    if exact is None or exact.proven:
        assert optimum <= plan.bound
        assert result.bound >= optimum
        if result.optimal:
            assert result.objective == optimum


@SETTINGS
@given(problems())
def test_replan_of_an_unchanged_mission_moves_nobody(problem):
    first = schedule_interviews(problem, time_limit=2.0, workers=1)
    again_problem = replace(problem, existing=first.new, replan_unconfirmed=True)
    again = schedule_interviews(again_problem, time_limit=2.0, workers=1)
    assert schedule_violations(again_problem, again) == []
    assert set(first.new) <= set(again.new)
