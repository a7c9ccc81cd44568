"""What one application adds to the pre-aggregated report tables (pure: no Django).

The reports read counts, never cases: ``PipelineCount`` rows keyed by a measure, a day, the
mission, the nationality, one dimension and a number of days. Every row is the sum, over
all applications, of what ``contribution`` says each one adds. Keeping the tables current is
therefore one rule applied two ways: a full rebuild sums every case's contribution, and a
change to one case adds its contribution after the change minus its contribution before.
Both go through this function, so they cannot disagree.

Measures (days are UTC dates):

- ``intake``: the day the application was submitted; dimension the channel.
- ``reached``: the submission day; dimension each stage the case has ever entered (once).
- ``current``: the day the case entered its current stage; dimension that stage.
- ``stay``: the Monday of the week a stay in a stage ended; dimension the stage left;
  ``days`` the whole days spent in it.
- ``closure``: the day a case was referred, rejected or withdrawn; dimension
  ``"<from>><to>:<by>"``, by being ``applicant`` or ``staff``.

A case's counts belong to the mission it is at now: a transfer moves them all.

Each count is kept at four levels, so that a page reads only the rows of the level it shows
(HQ's whole picture reads a few thousand rows however many cases there are): per mission and
nationality, per mission (nationality ``ALL_NATIONALITIES``), per nationality (mission
``ALL_MISSIONS``) and in all.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

INTAKE = "intake"
REACHED = "reached"
CURRENT = "current"
STAY = "stay"
CLOSURE = "closure"
MEASURES = (INTAKE, REACHED, CURRENT, STAY, CLOSURE)

CLOSING_STAGES = frozenset({"referred", "rejected", "withdrawn"})


@dataclass(frozen=True)
class Move:
    """One entry of a case's history: the stage entered, when, and by whom."""

    stage: str
    at: datetime.datetime
    actor_role: str = ""


@dataclass(frozen=True)
class CaseFacts:
    mission_id: int
    nationality: str
    channel: str
    submitted_at: datetime.datetime
    history: tuple[Move, ...]  # in order; the first is the submission


# (measure, day, mission id, nationality, dimension, days)
Key = tuple[str, datetime.date, int, str, str, int]
ALL_MISSIONS = 0  # no mission has this id (ids start at 1)
ALL_NATIONALITIES = ""


def utc_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def whole_days(start: datetime.datetime, end: datetime.datetime) -> int:
    return max(0, (end - start) // datetime.timedelta(days=1))


def closure_dimension(from_stage: str, to_stage: str, actor_role: str) -> str:
    by = "applicant" if actor_role == "applicant" else "staff"
    return f"{from_stage}>{to_stage}:{by}"


def contribution(case: CaseFacts) -> Counter[Key]:
    """The counts this one case adds to the report tables."""
    m, n = case.mission_id, case.nationality
    submitted = utc_day(case.submitted_at)
    counts: Counter[Key] = Counter()
    counts[(INTAKE, submitted, m, n, case.channel, 0)] += 1
    if not case.history:
        return _with_levels(counts)
    for stage in {move.stage for move in case.history}:
        counts[(REACHED, submitted, m, n, stage, 0)] += 1
    for before, after in zip(case.history, case.history[1:], strict=False):
        ended = utc_day(after.at)
        counts[(STAY, monday(ended), m, n, before.stage, whole_days(before.at, after.at))] += 1
        if after.stage in CLOSING_STAGES:
            dimension = closure_dimension(before.stage, after.stage, after.actor_role)
            counts[(CLOSURE, ended, m, n, dimension, 0)] += 1
    last = case.history[-1]
    counts[(CURRENT, utc_day(last.at), m, n, last.stage, 0)] += 1
    return _with_levels(counts)


def _with_levels(counts: Counter[Key]) -> Counter[Key]:
    levels: Counter[Key] = Counter()
    for (measure, day, m, n, dimension, days), count in counts.items():
        for mission in (m, ALL_MISSIONS):
            for nationality in (n, ALL_NATIONALITIES):
                levels[(measure, day, mission, nationality, dimension, days)] += count
    return levels


def change(before: CaseFacts | None, after: CaseFacts) -> Counter[Key]:
    """What the tables must add (positive) or take away (negative) when a case goes from
    `before` (None: it did not exist) to `after`. Zero entries are left out."""
    delta = contribution(after)
    if before is not None:
        delta.subtract(contribution(before))
    return Counter({key: n for key, n in delta.items() if n})


def without_last_move(case: CaseFacts) -> CaseFacts:
    return replace(case, history=case.history[:-1])


def history_or_current(
    moves: Sequence[Move],
    *,
    stage: str,
    submitted_at: datetime.datetime,
    stage_changed_at: datetime.datetime,
) -> tuple[Move, ...]:
    """A case's history; for a case stored without one (bulk-loaded), its submission and,
    when it has moved since, its current stage."""
    if moves:
        return tuple(moves)
    synthetic = [Move("submitted", submitted_at)]
    if stage != "submitted":
        synthetic.append(Move(stage, stage_changed_at))
    return tuple(synthetic)
