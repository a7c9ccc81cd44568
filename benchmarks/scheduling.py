"""Interview scheduling at scale: a plan and a re-plan, one table.

    python benchmarks/scheduling.py [--missions 100] [--applicants 50000] [--weeks 4]
                                    [--workers 2] [--seed 7]

A seeded generator builds the missions: one or two attachés and one or two consuls each,
weekday hours in the mission's own time zone (start 08:00–10:30, end 16:00–18:00, a lunch
hour, some with a weekly afternoon off), absences (whole and half days), the odd Saturday
session, one or two rooms plus a video link, zero to two interpreters, and a handful of
languages. Applicants are spread unevenly over the missions (a few large ones), 30 %
recommended, waiting up to 90 days, a fifth with unavailable dates, some accepting only
video or only in person. Availability is expanded through ``enlist.interviews.availability``
(DST-correct: the horizon spans the European change of the last Sunday of March).

Two runs: the plan, then a re-plan of the same missions with half of those bookings
confirmed, a tenth more applicants (recommended, so they press for slots) and
``replan_unconfirmed=True``. Measured per run: wall time to schedule every mission
(missions are independent; ``--workers`` forked processes share them; from starting the
pool to having every result back), peak memory (max RSS of the scheduling processes, from
the kernel), new interviews booked, the summed upper bound on them, booked / bound, and the
violations found by ``enlist.interviews.scheduling.check`` (an independent checker: double
bookings of any person, venue or applicant, bookings outside availability or inside
unavailable windows, confirmed bookings moved).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from enlist.interviews.availability import expand_availability
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

ZONES = ("Europe/Vilnius", "Europe/Warsaw", "Europe/London", "Europe/Oslo", "Europe/Madrid",
         "America/New_York", "America/Sao_Paulo", "Asia/Tokyo", "Asia/Kolkata", "Asia/Tbilisi",
         "Australia/Sydney", "Africa/Nairobi")  # fmt: skip
LANGUAGES = ("en", "es", "pt", "fr", "pl", "ka", "de", "ja")
FIRST_DAY = date(2027, 3, 15)  # a Monday; the EU clocks change on Sunday 28 March


def _hours(rng: random.Random) -> list[tuple[int, clock, clock]]:
    start = clock(rng.choice([8, 9, 9, 9, 10]), rng.choice([0, 30]))
    end = clock(rng.choice([16, 17, 17, 18]), 0)
    off = rng.choice([None, None, None, rng.randrange(5)])  # a weekly afternoon off
    out = []
    for day in range(5):
        out.append((day, start, clock(12, 30)))
        if day != off:
            out.append((day, clock(13, 30), end))
    return out


def _exceptions(rng: random.Random, days: int) -> list[tuple]:
    out = []
    for _ in range(rng.randrange(4)):
        day = FIRST_DAY + timedelta(days=rng.randrange(days))
        if rng.random() < 0.6:
            out.append((day, None, None, "absent"))
        else:
            out.append((day, clock(9), clock(12, 30), "absent"))
    if rng.random() < 0.2:
        saturday = FIRST_DAY + timedelta(days=5 + 7 * rng.randrange(days // 7))
        out.append((saturday, clock(10), clock(14), "extra"))
    return out


def _languages(rng: random.Random, local: str) -> frozenset[str]:
    first = rng.choices(LANGUAGES, weights=(40, 12, 10, 10, 8, 6, 8, 6))[0]
    if rng.random() < 0.5:
        return frozenset({first, local})
    return frozenset({first}) if rng.random() < 0.8 else frozenset({first, rng.choice(LANGUAGES)})


def generate(missions: int, applicants: int, weeks: int, seed: int) -> list[MissionProblem]:
    """Seeded missions and queues (same arguments, same problems)."""
    rng = random.Random(seed)
    days = 7 * weeks
    last_day = FIRST_DAY + timedelta(days=days - 1)
    horizon = Window(
        datetime.combine(FIRST_DAY, clock(0), tzinfo=UTC),
        datetime.combine(last_day + timedelta(days=1), clock(0), tzinfo=UTC),
    )
    weights = [rng.lognormvariate(0, 0.8) for _ in range(missions)]
    sizes = [int(applicants * w / sum(weights)) for w in weights]
    sizes[0] += applicants - sum(sizes)
    problems = []
    serial = 0
    for m in range(missions):
        zone = ZONES[m % len(ZONES)]
        local = LANGUAGES[m % len(LANGUAGES)]

        def windows(hours, exceptions, zone=zone):
            return expand_availability(weekly=hours, exceptions=exceptions, tz=zone,
                                       first_day=FIRST_DAY, last_day=last_day)  # fmt: skip

        members = []
        for role in ("attache", "consul"):
            for k in range(rng.choice([1, 1, 2])):
                speaks = frozenset({"en", local} | ({rng.choice(LANGUAGES)} if k else set()))
                hours = windows(_hours(rng), _exceptions(rng, days))
                members.append(PanelMember(f"M{m}-{role}{k}", role, speaks, hours))
        venues = [
            Venue(f"M{m}-room{k}", "in_person",
                  windows([(d, clock(8), clock(18)) for d in range(6)], ()))
            for k in range(rng.choice([1, 2]))
        ]  # fmt: skip
        venues.append(
            Venue(f"M{m}-video", "video", windows([(d, clock(7), clock(20)) for d in range(7)], ()))
        )
        interpreters = [
            Interpreter(f"M{m}-interp{k}", frozenset(rng.sample(LANGUAGES, 2)),
                        windows(_hours(rng), _exceptions(rng, days)))
            for k in range(rng.choice([0, 1, 1, 2]))
        ]  # fmt: skip
        cases = []
        for _ in range(sizes[m]):
            serial += 1
            unavailable = []
            if rng.random() < 0.2:
                for _ in range(rng.randint(1, 3)):
                    day = horizon.start + timedelta(days=rng.randrange(days))
                    unavailable.append(Window(day, day + timedelta(hours=rng.choice([12, 24]))))
            modes = rng.choices(
                [frozenset({"in_person", "video"}), frozenset({"video"}), frozenset({"in_person"})],
                weights=(80, 12, 8),
            )[0]
            cases.append(
                WaitingCase(
                    id=f"C{serial:06}",
                    languages=_languages(rng, local),
                    unavailable=tuple(unavailable),
                    recommended=rng.random() < 0.3,
                    waiting_since=horizon.start - timedelta(minutes=rng.randrange(90 * 24 * 60)),
                    modes=modes,
                )
            )
        problems.append(
            MissionProblem(
                mission=f"M{m:03}",
                members=tuple(members),
                venues=tuple(venues),
                interpreters=tuple(interpreters),
                cases=tuple(cases),
                existing=(),
                length=timedelta(minutes=rng.choice([45, 45, 45, 60])),
                buffer=timedelta(minutes=rng.choice([10, 15, 15])),
                horizon=horizon,
            )
        )
    return problems


_PROBLEMS: list[MissionProblem] = []  # inherited by the forked workers, never pickled


def _solve_chunk(indices: list[int]) -> tuple[list, float, int]:
    started = time.perf_counter()
    results = [schedule_interviews(_PROBLEMS[k], time_limit=2.0, workers=1) for k in indices]
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return results, seconds, peak_kib


def _run(problems: list[MissionProblem], workers: int) -> tuple[list, float, float, list]:
    """(results in problem order, wall seconds, peak MiB, per-worker seconds)."""
    # Big missions first, dealt round-robin, so the workers finish together.
    _PROBLEMS[:] = problems
    order = sorted(range(len(problems)), key=lambda k: -len(problems[k].cases))
    chunks = [order[k::workers] for k in range(workers)]
    started = time.perf_counter()
    if workers == 1:
        outputs = [_solve_chunk(chunks[0])]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            outputs = list(pool.map(_solve_chunk, chunks))
    wall = time.perf_counter() - started
    by_mission = {r.mission: r for out in outputs for r in out[0]}
    results = [by_mission[p.mission] for p in problems]
    return results, wall, max(out[2] for out in outputs) / 1024, [out[1] for out in outputs]


def replan_problems(problems, results, seed: int) -> list[MissionProblem]:
    """The next run: half the bookings confirmed, 10 % newcomers, unconfirmed ones re-planned."""
    rng = random.Random(seed + 1)
    out = []
    for p, r in zip(problems, results, strict=True):
        existing = tuple(replace(b, confirmed=rng.random() < 0.5) for b in r.new)
        newcomers = tuple(
            replace(c, id=f"{c.id}-new", recommended=True, waiting_since=p.horizon.start)
            for c in rng.sample(p.cases, len(p.cases) // 10)
        )
        out.append(replace(p, cases=p.cases + newcomers, existing=existing,
                           replan_unconfirmed=True))  # fmt: skip
    return out


HEADER = (f"{'run':<8} {'missions':>8} {'applicants':>10} {'time (s)':>9} {'peak MiB':>9} "
          f"{'booked':>7} {'bound':>7} {'booked/bound':>13} {'double bookings':>16}")  # fmt: skip


def _row(label, problems, results, wall, peak_mib) -> tuple[str, list]:
    violations = [v for p, r in zip(problems, results, strict=True)
                  for v in schedule_violations(p, r)]  # fmt: skip
    doubles = sum(1 for kind, _ in violations if kind == "double")
    booked = sum(r.objective for r in results)
    bound = sum(r.bound for r in results)
    row = (f"{label:<8} {len(problems):>8} {sum(len(p.cases) for p in problems):>10,} "
           f"{wall:>9.1f} {peak_mib:>9.0f} {booked:>7,} {bound:>7,} "
           f"{100 * booked / max(bound, 1):>12.2f}% {doubles:>16}")  # fmt: skip
    return row, violations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missions", type=int, default=100)
    parser.add_argument("--applicants", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    problems = generate(args.missions, args.applicants, args.weeks, args.seed)
    generated = time.perf_counter() - started
    print(f"generated {len(problems)} missions, {sum(len(p.cases) for p in problems):,} "
          f"applicants in {generated:.1f} s", file=sys.stderr)  # fmt: skip

    results, wall, peak, per_worker = _run(problems, args.workers)
    plan_row, violations = _row("plan", problems, results, wall, peak)
    again = replan_problems(problems, results, args.seed)
    results2, wall2, peak2, per_worker2 = _run(again, args.workers)
    replan_row, violations2 = _row("re-plan", again, results2, wall2, peak2)

    print(HEADER)
    print("-" * len(HEADER))
    print(plan_row)
    print(replan_row)
    everything = results + results2
    optimal = sum(1 for r in everything if r.optimal)
    methods = Counter(r.method for r in everything)
    moved = sum(1 for kind, _ in violations + violations2 if kind == "moved")
    others = (
        len(violations)
        + len(violations2)
        - moved
        - sum(1 for kind, _ in violations + violations2 if kind == "double")
    )
    released = [b for r in results2 for b in r.released]
    rebooked = {(b.case_id, b.start, b.attache_id, b.consul_id, b.venue_id)
                for r in results2 for b in r.new}  # fmt: skip
    rebooked_cases = {b.case_id for r in results2 for b in r.new}
    stayed = sum(
        1
        for b in released
        if (b.case_id, b.start, b.attache_id, b.consul_id, b.venue_id) in rebooked
    )
    moved_unconfirmed = sum(1 for b in released if b.case_id in rebooked_cases) - stayed
    print(f"\nre-plan: of {len(released):,} unconfirmed bookings {stayed:,} stayed in place, "
          f"{moved_unconfirmed:,} moved, {len(released) - stayed - moved_unconfirmed:,} gave "
          f"way to applicants ahead in the queue")  # fmt: skip
    print(
        f"{args.workers} worker processes; per-worker time "
        + ", ".join(f"{s:.1f} s" for s in per_worker + per_worker2)
        + f"; missions proven optimal {optimal}/{len(everything)}; "
        + ", ".join(f"{m} {n}" for m, n in sorted(methods.items()))
        + f"; confirmed bookings moved by the re-plan {moved}; other violations {others}"
    )
    return 0 if not violations + violations2 else 1


if __name__ == "__main__":
    sys.exit(main())
