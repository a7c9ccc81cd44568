"""GET /api/v1/stats/public: the public statistics, as stored in today's snapshot."""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema

from enlist.accounts.request import StaffRequest
from enlist.missions.models import Country
from enlist.reports.public import GROUPS
from enlist.reports.services import public_snapshot_current

router = Router(tags=["statistics"])


class NationalityCount(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2 country code")
    name: str
    count: int | None = Field(description="Rounded count; null: not published (small group)")


class GroupCount(Schema):
    group: str = Field(
        description="applied (submitted or screening), in_process (interview to arrival, "
        "or on hold), enlisted, closed (referred, rejected or withdrawn)"
    )
    count: int | None = Field(description="Rounded count; null: not published (small group)")


class WeekCount(Schema):
    week: datetime.date = Field(description="The Monday the week of application starts on")
    count: int | None = Field(description="Rounded count; null: not published (small group)")


class PublicStatsOut(Schema):
    as_of: datetime.date = Field(description="The UTC day of the snapshot")
    computed_at: datetime.datetime
    threshold: int = Field(description="Counts under this are never published")
    rounding_base: int = Field(description="Published counts are multiples of this")
    total: int | None = Field(description="All applications, rounded; null under the threshold")
    by_nationality: list[NationalityCount]
    by_stage_group: list[GroupCount]
    by_week: list[WeekCount]


@router.get(
    "/stats/public",
    response={200: PublicStatsOut},
    auth=None,
    summary="Disclosure-controlled public statistics",
    description=(
        "Total applications, by nationality, by stage group and by week of application, "
        "never per mission or unit. Counts under the threshold are not published (null), "
        "published counts are rounded, further cells are hidden so that no hidden one can be "
        "worked out from the totals, and the figures are refreshed at most once a day."
    ),
)
def public_stats(request: StaffRequest) -> dict:
    snapshot = public_snapshot_current()
    figures = snapshot.figures
    names = dict(Country.objects.values_list("code", "name"))
    return {
        "as_of": snapshot.as_of,
        "computed_at": snapshot.computed_at,
        "threshold": figures["threshold"],
        "rounding_base": figures["rounding_base"],
        "total": figures["total"],
        "by_nationality": [
            {"code": code, "name": names.get(code, code), "count": n}
            for code, n in sorted(figures["by_nationality"].items())
        ],
        "by_stage_group": [{"group": g, "count": figures["by_stage_group"][g]} for g in GROUPS],
        "by_week": [
            {"week": datetime.date.fromisoformat(week), "count": n}
            for week, n in sorted(figures["by_week"].items())
        ],
    }
