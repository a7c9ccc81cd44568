"""Weekly hours and dated exceptions, in a mission's time zone, to UTC windows (pure).

``expand_availability`` walks the horizon day by day in the mission's IANA zone: the weekly
hours of that weekday, plus "extra" sessions, minus "absent" ones (a whole day when no times
are given), each local wall-clock time converted to UTC through ``zoneinfo`` — so 09:00 in
Vilnius is 07:00Z in winter and 06:00Z in summer. An end at or before the start runs past
midnight (22:00–02:00, or 00:00 meaning the end of the day). Overlapping and touching
windows are merged. Times in a DST gap or fold follow zoneinfo's ``fold=0`` reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from enlist.interviews.scheduling import Window
from enlist.interviews.scheduling.slots import merge, subtract

ExceptionKind = Literal["absent", "extra"]


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int
    """0 = Monday … 6 = Sunday (``date.weekday()``)."""
    start: time
    end: time


@dataclass(frozen=True)
class DatedException:
    day: date
    start: time | None
    end: time | None
    kind: ExceptionKind


def _local_span(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, start, tzinfo=zone)
    finish_day = day if end > start else day + timedelta(days=1)
    finish = datetime.combine(finish_day, end, tzinfo=zone)
    return begin.astimezone(UTC), finish.astimezone(UTC)


def expand_availability(
    *,
    weekly: Iterable[WeeklyHours | tuple[int, time, time]],
    exceptions: Iterable[
        DatedException | tuple[date, time | None, time | None, ExceptionKind]
    ] = (),
    tz: str,
    first_day: date,
    last_day: date,
) -> tuple[Window, ...]:
    """UTC windows from ``first_day`` to ``last_day`` (both included, local dates)."""
    zone = ZoneInfo(tz)
    hours = [w if isinstance(w, WeeklyHours) else WeeklyHours(*w) for w in weekly]
    dated = [e if isinstance(e, DatedException) else DatedException(*e) for e in exceptions]
    for e in dated:
        if e.kind not in ("absent", "extra"):
            raise ValueError(f"unknown exception kind {e.kind!r}")
        if (e.start is None) != (e.end is None):
            raise ValueError("an exception gives both start and end, or neither")
        if e.kind == "extra" and e.start is None:
            raise ValueError("an extra session needs its hours")
    by_day: dict[date, list[DatedException]] = {}
    for e in dated:
        by_day.setdefault(e.day, []).append(e)

    spans: list[tuple[datetime, datetime]] = []
    holes: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        for w in hours:
            if w.weekday == day.weekday():
                spans.append(_local_span(day, w.start, w.end, zone))
        for e in by_day.get(day, ()):
            if e.start is None or e.end is None:  # the whole day (an extra always has hours)
                holes.append(_local_span(day, time(0), time(0), zone))
            elif e.kind == "extra":
                spans.append(_local_span(day, e.start, e.end, zone))
            else:
                holes.append(_local_span(day, e.start, e.end, zone))
        day += timedelta(days=1)
    # Absences win over weekly hours and extras alike: someone away is away.
    return tuple(Window(s, e) for s, e in subtract(merge(spans), holes))
