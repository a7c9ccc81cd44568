"""The pure pieces: a case's contribution, quantiles, panel capacity, charts."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from enlist.reports import charts, tallies
from enlist.reports.capacity import panel_slots
from enlist.reports.quantiles import quantile

T0 = datetime.datetime(2026, 3, 2, 22, 30, tzinfo=datetime.UTC)  # a Monday
DAY = datetime.timedelta(days=1)


def _detailed(counts: Counter) -> Counter:
    """The counts at the level of one mission and one nationality."""
    return Counter({k: n for k, n in counts.items() if k[2] != 0 and k[3] != ""})


def test_a_case_contributes_its_submission_stages_stays_and_closure():
    case = tallies.CaseFacts(
        mission_id=7,
        nationality="LT",
        channel="phone",
        submitted_at=T0,
        history=(
            tallies.Move("submitted", T0),
            tallies.Move("screening", T0 + DAY * 2.5, "clerk"),
            tallies.Move("referred", T0 + DAY * 10, "attache"),
        ),
    )
    d = T0.date()
    assert _detailed(tallies.contribution(case)) == Counter(
        {
            ("intake", d, 7, "LT", "phone", 0): 1,
            ("reached", d, 7, "LT", "submitted", 0): 1,
            ("reached", d, 7, "LT", "screening", 0): 1,
            ("reached", d, 7, "LT", "referred", 0): 1,
            ("stay", d, 7, "LT", "submitted", 2): 1,  # 2.5 days: two whole days
            ("stay", d + DAY * 7, 7, "LT", "screening", 7): 1,  # ended the next Monday
            ("closure", d + DAY * 10, 7, "LT", "screening>referred:staff", 0): 1,
            ("current", d + DAY * 10, 7, "LT", "referred", 0): 1,
        }
    )


def test_a_move_changes_only_what_it_moves():
    before = tallies.CaseFacts(7, "LT", "web", T0, (tallies.Move("submitted", T0),))
    after = tallies.CaseFacts(
        7, "LT", "web", T0, (*before.history, tallies.Move("withdrawn", T0 + DAY, "applicant"))
    )
    d = T0.date()
    assert _detailed(tallies.change(before, after)) == Counter(
        {
            ("reached", d, 7, "LT", "withdrawn", 0): 1,
            ("stay", d, 7, "LT", "submitted", 1): 1,
            ("closure", d + DAY, 7, "LT", "submitted>withdrawn:applicant", 0): 1,
            ("current", d, 7, "LT", "submitted", 0): -1,
            ("current", d + DAY, 7, "LT", "withdrawn", 0): 1,
        }
    )


def test_every_count_is_kept_per_mission_per_nationality_and_in_all():
    case = tallies.CaseFacts(7, "LT", "web", T0, (tallies.Move("submitted", T0),))
    counts = tallies.contribution(case)
    intake = {k[2:4]: n for k, n in counts.items() if k[0] == "intake"}
    assert intake == {(7, "LT"): 1, (7, ""): 1, (0, "LT"): 1, (0, ""): 1}


def test_a_stage_entered_twice_is_reached_once():
    history = (
        tallies.Move("submitted", T0),
        tallies.Move("screening", T0 + DAY),
        tallies.Move("on_hold", T0 + 2 * DAY),
        tallies.Move("screening", T0 + 3 * DAY),
    )
    counts = tallies.contribution(tallies.CaseFacts(1, "NO", "web", T0, history))
    assert counts[("reached", T0.date(), 1, "NO", "screening", 0)] == 1
    assert sum(n for k, n in _detailed(counts).items() if k[0] == "stay") == 3


def test_quantiles_are_observed_values_at_the_inverted_distribution():
    histogram = {1: 5, 2: 3, 10: 1, 40: 1}  # ten stays
    assert quantile(histogram, 0.5) == 1
    assert quantile(histogram, 0.6) == 2
    assert quantile(histogram, 0.8) == 2
    assert quantile(histogram, 0.9) == 10
    assert quantile(histogram, 1.0) == 40
    assert quantile({}, 0.5) is None
    with pytest.raises(ValueError):
        quantile(histogram, 0)


def test_panel_slots_need_an_attache_a_consul_and_a_venue_at_once():
    hour = datetime.timedelta(hours=1)
    slot = datetime.timedelta(minutes=60)
    attache = [[(T0, T0 + 4 * hour)]]
    consul = [[(T0 + 2 * hour, T0 + 6 * hour)]]
    assert panel_slots(attaches=attache, consuls=consul, venues=1, slot=slot) == 2
    assert panel_slots(attaches=attache, consuls=[], venues=1, slot=slot) == 0
    assert panel_slots(attaches=attache, consuls=consul, venues=0, slot=slot) == 0
    two = [[(T0, T0 + 4 * hour)], [(T0, T0 + 4 * hour)]]
    assert panel_slots(attaches=two, consuls=two, venues=1, slot=slot) == 4
    assert panel_slots(attaches=two, consuls=two, venues=2, slot=slot) == 8


def test_charts_escape_labels_and_name_themselves():
    svg = charts.bar_chart(
        title="Cases <by> mission",
        desc="desc & more",
        labels=['<script>alert("x")</script>', "Oslo"],
        series=[("Applications", [3, 1])],
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "style=" not in svg
    assert "Cases &lt;by&gt; mission" in svg
    funnel = charts.funnel_chart(title="F", desc="d", steps=[("Submitted", 10), ("Screening", 5)])
    assert "50 %" in funnel
    line = charts.line_chart(title="L", desc="d", x_labels=["a", "b"], series=[("Web", [1, 2])])
    assert "<polyline" in line
    assert "No data" in charts.bar_chart(title="E", desc="d", labels=[], series=[])
