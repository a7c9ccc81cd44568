"""The calendar's time × day grid (pure)."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from enlist.interviews.week_grid import DAY_END, DAY_START, week_grid
from tests.conftest import examples

MONDAY = datetime.date(2026, 3, 2)
DAYS = [MONDAY + datetime.timedelta(days=n) for n in range(7)]


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(DAYS[day], datetime.time(hour, minute))


def test_an_empty_week_is_still_the_office_day_by_seven_days():
    rows = week_grid(days=DAYS, interviews=[], availability=[])

    assert [row.hour for row in rows] == list(range(DAY_START, DAY_END))
    assert all(len(row.cells) == 7 for row in rows)
    assert rows[0].label == "08:00"


def test_an_interview_sits_in_the_hour_and_day_it_starts():
    interview = {"start": at(2, 9, 45), "end": at(2, 10, 30), "id": "a"}

    rows = week_grid(days=DAYS, interviews=[interview], availability=[])

    nine = next(row for row in rows if row.hour == 9)
    assert nine.cells[2].interviews == [interview]
    assert sum(len(c.interviews) for row in rows for c in row.cells) == 1


def test_availability_marks_every_hour_it_touches_and_widens_the_day():
    window = {"who": "attache", "start": at(0, 6, 30), "end": at(0, 8, 0)}

    rows = week_grid(days=DAYS, interviews=[], availability=[window])

    assert [row.hour for row in rows][:2] == [6, 7]
    assert rows[0].cells[0].available == ["attache"] and rows[1].cells[0].available == ["attache"]
    eight = next(row for row in rows if row.hour == 8)
    assert eight.cells[0].available == []  # ends at 8:00 sharp


@settings(max_examples=examples(200))
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 23), st.integers(0, 59)), max_size=30))
def test_every_interview_of_the_week_is_in_exactly_one_cell(starts):
    interviews = [
        {
            "id": n,
            "start": datetime.datetime.combine(
                MONDAY + datetime.timedelta(days=d), datetime.time(h, m)
            ),
        }
        for n, (d, h, m) in enumerate(starts)
    ]
    for item in interviews:
        item["end"] = item["start"] + datetime.timedelta(minutes=45)

    rows = week_grid(days=DAYS, interviews=interviews, availability=[])

    placed = [i["id"] for row in rows for cell in row.cells for i in cell.interviews]
    in_week = [i["id"] for i in interviews if i["start"].date() in DAYS]
    assert sorted(placed) == sorted(in_week)
    for row in rows:
        for cell in row.cells:
            assert all((i["start"].date(), i["start"].hour) == (cell.day, row.hour)
                       for i in cell.interviews)  # fmt: skip
