"""What the public statistics publish, before disclosure control (pure: no Django).

Never a mission or a unit: only the whole population, by nationality, by stage group and by
week of application. The categories are fixed lists (every country of the reference data,
every stage group, every week since the first application), so which rows appear says
nothing about the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from enlist.reports.disclosure import Policy, Publication, protect

# stage → group; the groups are what the public sees
STAGE_GROUPS: dict[str, str] = {
    "submitted": "applied",
    "screening": "applied",
    "interview": "in_process",
    "visa": "in_process",
    "travel": "in_process",
    "arrived": "in_process",
    "on_hold": "in_process",
    "enlisted": "enlisted",
    "referred": "closed",
    "rejected": "closed",
    "withdrawn": "closed",
}
GROUPS = ("applied", "in_process", "enlisted", "closed")


def weeks_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The Mondays from `first`'s week to `last`'s, both included."""
    start = first - datetime.timedelta(days=first.weekday())
    weeks = []
    while start <= last:
        weeks.append(start)
        start += datetime.timedelta(days=7)
    return weeks


def public_publication(
    *,
    by_nationality: Mapping[str, int],
    by_stage: Mapping[str, int],
    by_week: Mapping[datetime.date, int],
    countries: Iterable[str],
    today: datetime.date,
    policy: Policy | None = None,
) -> Publication:
    """The figures to publish: counts grouped into the public tables and protected."""
    nationality = {code: 0 for code in sorted(countries)}
    for code, count in by_nationality.items():
        nationality[code] = nationality.get(code, 0) + count
    groups = dict.fromkeys(GROUPS, 0)
    for stage, count in by_stage.items():
        groups[STAGE_GROUPS[stage]] += count
    weeks = weeks_between(min(by_week), today) if by_week else []
    week_table = {week.isoformat(): 0 for week in weeks}
    for week, count in by_week.items():
        week_table[week.isoformat()] += count
    total = sum(nationality.values())
    return protect(
        total=total,
        tables={"nationality": nationality, "stage_group": groups, "week": week_table},
        policy=policy,
    )
