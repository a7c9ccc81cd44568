"""A week of interviews as a time × day grid (pure: no Django).

Rows are the hours of the day in mission time, columns the seven days. An interview sits in
the row of the hour it starts in; a cell also says who of the panel is available at any
moment of that hour. The grid spans every hour that holds an interview or someone's
availability, and at least the office day (DAY_START to DAY_END), so an empty week still
reads as a week. Every interview of the week appears in exactly one cell.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DAY_START = 8
DAY_END = 18  # the last row is the hour starting at 17:00


@dataclass
class Cell:
    day: datetime.date
    hour: int
    interviews: list[Mapping[str, Any]] = field(default_factory=list)
    available: list[str] = field(default_factory=list)  # who of the panel is free then


@dataclass
class Row:
    hour: int
    cells: list[Cell]

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00"


def _hours_touched(start: datetime.datetime, end: datetime.datetime) -> range:
    last = end.hour if (end.minute or end.second) else end.hour - 1
    if end.date() > start.date():
        last = 23
    return range(start.hour, max(start.hour, last) + 1)


def week_grid(
    *,
    days: Sequence[datetime.date],
    interviews: Sequence[Mapping[str, Any]],
    availability: Sequence[Mapping[str, Any]],
) -> list[Row]:
    """`interviews` and `availability` carry local (mission time) "start" and "end"; an
    availability also its "who". Items outside `days` are left out."""
    hours = set(range(DAY_START, DAY_END))
    for item in interviews:
        if item["start"].date() in days:
            hours.add(item["start"].hour)
    for window in availability:
        if window["start"].date() in days:
            hours.update(_hours_touched(window["start"], window["end"]))
    cells = {(day, hour): Cell(day, hour) for day in days for hour in hours}
    for item in sorted(interviews, key=lambda i: i["start"]):
        cell = cells.get((item["start"].date(), item["start"].hour))
        if cell is not None:
            cell.interviews.append(item)
    for window in availability:
        for hour in _hours_touched(window["start"], window["end"]):
            cell = cells.get((window["start"].date(), hour))
            if cell is not None and window["who"] not in cell.available:
                cell.available.append(window["who"])
    return [Row(hour, [cells[(day, hour)] for day in days]) for hour in sorted(hours)]
