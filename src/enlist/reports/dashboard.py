"""The dashboard's sections: each a chart, its table (the chart's text alternative and the
export's rows) and a note saying what is counted. Built from ``reports/selectors.py``;
labels, never codes (stages, channels, missions and countries by name, translated).

The same sections serve HQ's dashboard and a mission's view (``mission`` given: the
per-mission sections are left out, the figures are that mission's only).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from enlist.cases.models import Channel
from enlist.cases.workflow import PIPELINE, STAGE_LABELS, Stage
from enlist.missions.models import Country, Mission
from enlist.missions.names import country_name, mission_name
from enlist.reports import charts, selectors
from enlist.reports.selectors import ReportFilters
from enlist.reports.targets import SERVICE_TARGET_DAYS

SIDE_STAGES = (Stage.ON_HOLD, Stage.REFERRED, Stage.REJECTED, Stage.WITHDRAWN)
TOP_ROWS = 15  # bars drawn; the table lists every row

Key = TypeVar("Key")  # what a ranked section counts by (a country code, a mission id)


@dataclass
class Section:
    key: str
    title: str
    note: str
    chart: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)


def stage_label(stage: str) -> str:
    return _(STAGE_LABELS[Stage(stage)])


def channel_label(channel: str) -> str:
    return str(Channel(channel).label)


def closure_label(dimension: str) -> str:
    """ "interview>rejected:staff" → "Rejected, at the interview stage"."""
    moves, by = dimension.split(":")
    source, target = moves.split(">")
    if target == Stage.REFERRED:
        what = _("Referred to humanitarian volunteering")
    elif target == Stage.REJECTED:
        what = _("Rejected")
    elif by == "applicant":
        what = _("Withdrawn by the volunteer (through their link)")
    else:
        what = _("Withdrawn (recorded by staff)")
    return _("%(outcome)s, at the %(stage)s stage") % {
        "outcome": what,
        "stage": stage_label(source).lower(),
    }


class Names:
    """Mission and country names for the rows, read once per page, in the reader's language."""

    def __init__(self) -> None:
        self.missions = {m.pk: mission_name(m) for m in Mission.objects.select_related("country")}
        self.countries = {c.code: country_name(c) for c in Country.objects.all()}

    def mission(self, pk: int) -> str:
        return self.missions.get(pk, "?")

    def country(self, code: str) -> str:
        return self.countries.get(code, code)


def _intake(filters: ReportFilters, names: Names) -> Section:
    title = _("Applications per day, by channel")
    days = selectors.intake_by_day(filters)
    channels = [c for c in Channel.values if any(day[c] for day in days.values())]
    labels = [d.isoformat() for d in days]
    series = [(channel_label(c), [days[d][c] for d in days]) for c in channels]
    total = sum(sum(day.values()) for day in days.values())
    chart = charts.line_chart(
        title=title,
        desc=_("%(total)s applications from %(start)s to %(end)s; channels: %(channels)s.")
        % {
            "total": total,
            "start": filters.start,
            "end": filters.end,
            "channels": ", ".join(name for name, _values in series) or "—",
        },
        x_labels=labels,
        series=series,
    )
    rows = [
        [day.isoformat(), *(counts[c] for c in channels), sum(counts.values())]
        for day, counts in days.items()
    ]
    return Section(
        key="intake",
        title=title,
        note=_("Counted on the day each application was submitted."),
        chart=chart,
        headers=[_("Day"), *(channel_label(c) for c in channels), _("All channels")],
        rows=rows,
    )


def _funnel(filters: ReportFilters, names: Names) -> Section:
    title = _("Funnel by stage")
    reached = selectors.funnel(filters)
    submitted = reached[Stage.SUBMITTED] or 0
    steps = [(stage_label(s), reached[s]) for s in PIPELINE]
    chart = charts.funnel_chart(
        title=title,
        desc=_("Of %(n)s applications submitted in the period, %(enlisted)s reached enlisted.")
        % {"n": submitted, "enlisted": reached[Stage.ENLISTED]},
        steps=steps,
    )
    rows = [
        [stage_label(s), reached[s], f"{100 * reached[s] / submitted:.0f} %" if submitted else "—"]
        for s in (*PIPELINE, *SIDE_STAGES)
    ]
    return Section(
        key="funnel",
        title=title,
        note=_(
            "Applications submitted in the period that have ever reached each stage, "
            "and their share of all submitted."
        ),
        chart=chart,
        headers=[_("Stage"), _("Reached"), _("Share of submitted")],
        rows=rows,
    )


def _counts_section(
    *,
    key: str,
    title: str,
    note: str,
    desc: str,
    labels: list[str],
    values: list[int],
    series: str,
    headers: list[str],
    shown: int | None = None,
) -> Section:
    """A bar per label and its table (label, count): the ranked sections, the closures and the
    duplicates. `shown`: how many bars are drawn (None: all); the table lists every row."""
    chart = charts.bar_chart(
        title=title, desc=desc, labels=labels[:shown], series=[(series, values[:shown])]
    )
    return Section(
        key=key,
        title=title,
        note=note,
        chart=chart,
        headers=headers,
        rows=[[label, n] for label, n in zip(labels, values, strict=True)],
    )


def _ranked(
    key: str, title: str, counts: Mapping[Key, int], label: Callable[[Key], str], what: str
) -> Section:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], label(kv[0])))
    labels = [label(k) for k, _n in ranked]
    values = [n for _k, n in ranked]
    return _counts_section(
        key=key,
        title=title,
        note=_("Applications submitted in the period. The chart shows the %(n)s largest.")
        % {"n": TOP_ROWS},
        desc=_("%(n)s rows; the largest: %(top)s.")
        % {"n": len(ranked), "top": charts.biggest(labels, values) or "—"},
        labels=labels,
        values=values,
        series=_("Applications"),
        headers=[what, _("Applications")],
        shown=TOP_ROWS,
    )


def _durations(filters: ReportFilters, names: Names) -> Section:
    title = _("Days spent in each stage")
    durations = selectors.stage_durations(filters)
    stages = [s for s in (*PIPELINE, *SIDE_STAGES) if s in durations]
    labels = [stage_label(s) for s in stages]
    chart = charts.bar_chart(
        title=title,
        desc=_("Median and 90th percentile of whole days per stage; the longest median: %(s)s.")
        % {
            "s": charts.biggest(labels, [durations[s].median or 0 for s in stages]) or "—",
        },
        labels=labels,
        series=[
            (_("Median"), [durations[s].median or 0 for s in stages]),
            (_("90th percentile"), [durations[s].p90 or 0 for s in stages]),
        ],
        unit=" " + _("days"),
    )
    return Section(
        key="durations",
        title=title,
        note=_(
            "Stays in a stage that ended in the weeks of the period (Monday to Sunday), "
            "in whole days."
        ),
        chart=chart,
        headers=[_("Stage"), _("Stays ended"), _("Median (days)"), _("90th percentile (days)")],
        rows=[
            [stage_label(s), durations[s].stays, durations[s].median, durations[s].p90]
            for s in stages
        ],
    )


def _queues(filters: ReportFilters, names: Names, today: datetime.date) -> Section:
    title = _("Queues over their service target")
    queues = selectors.queues_over_target(filters, today=today)
    order = sorted(
        queues,
        key=lambda m: (-sum(q.over_target for q in queues[m].values()), names.mission(m)),
    )
    labels = [names.mission(m) for m in order]
    stages = list(SERVICE_TARGET_DAYS)
    chart = charts.bar_chart(
        title=title,
        desc=_("Open cases waiting longer than the target, per mission; the most: %(m)s.")
        % {
            "m": charts.biggest(
                labels, [sum(q.over_target for q in queues[m].values()) for m in order]
            )
            or "—"
        },
        labels=labels[:TOP_ROWS],
        series=[
            (
                stage_label(s),
                [queues[m][s].over_target for m in order[:TOP_ROWS]],
            )
            for s in stages
        ],
    )
    headers = [_("Mission")]
    for s in stages:
        headers += [
            _("%(stage)s: waiting") % {"stage": stage_label(s)},
            _("%(stage)s: over %(days)s days")
            % {"stage": stage_label(s), "days": SERVICE_TARGET_DAYS[s]},
        ]
    rows = []
    for m in order:
        row: list[object] = [names.mission(m)]
        for s in stages:
            row += [queues[m][s].waiting, queues[m][s].over_target]
        rows.append(row)
    targets = ", ".join(
        _("%(stage)s %(days)s days") % {"stage": stage_label(s), "days": d}
        for s, d in SERVICE_TARGET_DAYS.items()
    )
    return Section(
        key="queues",
        title=title,
        note=_("Cases in each stage today, and those in it for longer than its target (%(t)s).")
        % {"t": targets},
        chart=chart,
        headers=headers,
        rows=rows,
    )


def _capacity(filters: ReportFilters, names: Names, now: datetime.datetime) -> Section:
    title = _("Interview capacity: booked against available")
    capacity = selectors.interview_capacity(filters, now=now)
    order = sorted(capacity, key=lambda m: names.mission(m))
    labels = [names.mission(m) for m in order]
    chart = charts.bar_chart(
        title=title,
        desc=_("Interview slots the panel can hold in the booking horizon, and slots booked."),
        labels=labels[: TOP_ROWS * 2],
        series=[
            (_("Available"), [capacity[m].available for m in order[: TOP_ROWS * 2]]),
            (_("Booked"), [capacity[m].booked for m in order[: TOP_ROWS * 2]]),
        ],
    )
    return Section(
        key="capacity",
        title=title,
        note=_(
            "From tomorrow over each mission's booking horizon: slots an attaché, a consul "
            "and a venue are free together for, and interviews booked or confirmed in them."
        ),
        chart=chart,
        headers=[_("Mission"), _("Available slots"), _("Booked"), _("Share booked")],
        rows=[
            [
                names.mission(m),
                capacity[m].available,
                capacity[m].booked,
                f"{100 * capacity[m].booked / capacity[m].available:.0f} %"
                if capacity[m].available
                else "—",
            ]
            for m in order
        ],
    )


def _closures(filters: ReportFilters, names: Names) -> Section:
    counts = selectors.closures(filters)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    labels = [closure_label(k) for k, _n in ranked]
    values = [n for _k, n in ranked]
    return _counts_section(
        key="closures",
        title=_("Referrals, rejections and withdrawals"),
        note=_(
            "Decided in the period, by outcome and the stage it was decided at. The reason "
            "staff wrote is sealed with the volunteer's key and never counted."
        ),
        desc=_("%(n)s decisions in the period; the most common: %(top)s.")
        % {"n": sum(values), "top": charts.biggest(labels, values) or "—"},
        labels=labels,
        values=values,
        series=_("Cases"),
        headers=[_("Outcome"), _("Cases")],
    )


def _duplicates(filters: ReportFilters, names: Names) -> Section:
    found = selectors.duplicates(filters)
    return _counts_section(
        key="duplicates",
        title=_("Possible duplicates found and reviewed"),
        note=_(
            "Pairs flagged in the period (and how many of them still wait), and pairs "
            "decided in the period (confirmed by HQ or linked automatically, or dismissed)."
        ),
        desc=_("%(found)s pairs found in the period, %(reviewed)s decided in it.")
        % {"found": found.found, "reviewed": found.confirmed + found.dismissed},
        labels=[
            _("Found"),
            _("Still under review"),
            _("Confirmed: same person"),
            _("Dismissed: different people"),
        ],
        values=[found.found, found.open, found.confirmed, found.dismissed],
        series=_("Pairs"),
        headers=[_("Pairs"), _("Count")],
    )


def dashboard_sections(
    filters: ReportFilters, *, mission_view: bool, now: datetime.datetime | None = None
) -> list[Section]:
    """Every section, in reading order."""
    now = now or timezone.now()
    names = Names()
    sections = [
        _intake(filters, names),
        _funnel(filters, names),
        _ranked(
            "nationality",
            _("Cases by nationality"),
            selectors.by_nationality(filters),
            names.country,
            _("Nationality"),
        ),
    ]
    if not mission_view:
        sections.append(
            _ranked(
                "mission",
                _("Cases by mission"),
                selectors.by_mission(filters),
                names.mission,
                _("Mission"),
            )
        )
    sections += [
        _durations(filters, names),
        _queues(filters, names, now.date()),
        _capacity(filters, names, now),
        _closures(filters, names),
        _duplicates(filters, names),
    ]
    return sections
