"""The disclosure rules, checked by solving: for each suppressed cell an integer solver finds
the smallest and largest value consistent with everything published (tables adding up to the
total, rounding intervals, non-negative integers). An independent oracle of the guarantees
in ``reports/disclosure.py``."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from enlist.reports.disclosure import (
    Policy,
    Publication,
    protect,
    round_to_base,
    rounding_interval,
)
from tests.conftest import examples

NATIONALITIES = ["BY", "CA", "GB", "LT", "NO", "SE", "US", "GE"]
GROUPS = ["applied", "in_process", "enlisted", "closed"]
WEEKS = ["w1", "w2", "w3", "w4", "w5"]


def _tables(records: list[tuple[str, str, str]]) -> tuple[int, dict[str, dict[str, int]]]:
    """One population, three one-way tables over fixed category lists (zeros included)."""
    by = [Counter(r[i] for r in records) for i in range(3)]
    tables = {
        "nationality": {k: by[0][k] for k in NATIONALITIES},
        "group": {k: by[1][k] for k in GROUPS},
        "week": {k: by[2][k] for k in WEEKS},
    }
    return len(records), tables


def _bounds(publication: Publication, table: str, cell: str) -> tuple[int, int]:
    """Smallest and largest value of one suppressed cell consistent with the publication."""
    base = publication.policy.base
    ceiling = 10**6
    answers = []
    for sense in ("min", "max"):
        model = cp_model.CpModel()
        if publication.total is None:
            total = model.NewIntVar(0, publication.policy.threshold - 1, "total")
        else:
            low, high = rounding_interval(publication.total, base)
            total = model.NewIntVar(low, high, "total")
        target = None
        for name, cells in publication.tables.items():
            variables = []
            for key, value in cells.items():
                if value is None:
                    var = model.NewIntVar(0, ceiling, f"{name}:{key}")
                else:
                    var = model.NewIntVar(*rounding_interval(value, base), f"{name}:{key}")
                variables.append(var)
                if (name, key) == (table, cell):
                    target = var
            model.Add(sum(variables) == total)
        assert target is not None
        if sense == "min":
            model.Minimize(target)
        else:
            model.Maximize(target)
        solver = cp_model.CpSolver()
        status = solver.Solve(model)
        assert status == cp_model.OPTIMAL
        answers.append(int(solver.Value(target)))
    return answers[0], answers[1]


records_strategy = st.lists(
    st.tuples(
        st.sampled_from(NATIONALITIES),
        # some groups and weeks far more common than others, as in real intake
        st.sampled_from(GROUPS[:1] * 6 + GROUPS[1:2] * 3 + GROUPS[2:]),
        st.sampled_from(WEEKS),
    ),
    max_size=400,
)


@settings(max_examples=examples(300), deadline=None)
@given(records=records_strategy, threshold=st.integers(3, 15), base=st.sampled_from([1, 3, 5]))
def test_every_published_cell_is_suppressed_or_at_least_the_threshold(records, threshold, base):
    assume(round_to_base(threshold, base) >= threshold)
    total, tables = _tables(records)
    publication = protect(total=total, tables=tables, policy=Policy(threshold, base))
    for value in [publication.total, *(v for t in publication.tables.values() for v in t.values())]:
        assert value is None or (value >= threshold and value % base == 0)
    for name, cells in tables.items():
        for key, count in cells.items():
            published = publication.tables[name][key]
            if count < threshold:
                assert published is None
            if published is not None:
                low, high = rounding_interval(published, base)
                assert low <= count <= high


@settings(max_examples=examples(150), deadline=None)
@given(records=records_strategy)
def test_no_suppressed_cell_can_be_derived_from_the_published_figures(records):
    total, tables = _tables(records)
    policy = Policy()
    publication = protect(total=total, tables=tables, policy=policy)
    for name, cells in publication.tables.items():
        for key, value in cells.items():
            if value is not None:
                continue
            low, high = _bounds(publication, name, key)
            assert low <= tables[name][key] <= high  # the truth is among the solutions
            # every value from none at all to the threshold stays possible
            assert low == 0
            assert high >= policy.threshold - (1 if publication.total is None else 0)


def test_a_lone_small_cell_is_hidden_with_the_smallest_other():
    tables = {"nationality": {"BY": 3, "LT": 40, "NO": 12, "SE": 45}}
    publication = protect(total=100, tables=tables)
    assert publication.total == 100
    assert publication.tables["nationality"] == {"BY": None, "LT": 40, "NO": None, "SE": 45}
    assert _bounds(publication, "nationality", "BY") == (0, 21)  # at most 102 − 38 − 43


def test_without_secondary_suppression_the_solver_recovers_the_cell():
    # The oracle can fail: publishing all but the small cell lets it be solved for.
    tables = {"nationality": {"BY": 3, "LT": 40, "SE": 57}}
    leaky = Publication(
        policy=Policy(base=1), total=100, tables={"nationality": {"BY": None, "LT": 40, "SE": 57}}
    )
    assert _bounds(leaky, "nationality", "BY") == (3, 3)
    safe = protect(total=100, tables=tables, policy=Policy(base=1))
    assert _bounds(safe, "nationality", "BY")[0] == 0


def test_zero_cells_are_suppressed_like_small_ones():
    publication = protect(total=50, tables={"nationality": {"BY": 0, "LT": 20, "SE": 30}})
    assert publication.tables["nationality"]["BY"] is None
    assert publication.tables["nationality"]["LT"] is None  # the smallest other joins it
    assert publication.tables["nationality"]["SE"] == 30


def test_a_total_under_the_threshold_hides_everything():
    publication = protect(total=9, tables={"group": {"applied": 9, "enlisted": 0}})
    assert publication.total is None
    assert publication.tables == {"group": {"applied": None, "enlisted": None}}


def test_rounding_is_to_the_nearest_multiple_halves_up():
    assert [round_to_base(n, 5) for n in (10, 12, 13, 17, 18)] == [10, 10, 15, 15, 20]
    for published in range(0, 100, 5):
        low, high = rounding_interval(published, 5)
        assert all(round_to_base(n, 5) == published for n in range(low, high + 1))
        assert round_to_base(low - 1, 5) != published if low else True
        assert round_to_base(high + 1, 5) != published


def test_tables_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError, match="nationality"):
        protect(total=20, tables={"nationality": {"LT": 12, "SE": 9}})


def test_a_base_that_rounds_the_threshold_down_is_refused():
    with pytest.raises(ValueError, match="base"):
        Policy(threshold=10, base=25)
    with pytest.raises(ValueError, match="base"):
        Policy(threshold=4, base=3)


# --- the edges, pinned (each of these numbers and messages is part of the contract) ------


def test_a_threshold_of_one_is_allowed_and_zero_is_refused_by_name():
    assert Policy(threshold=1, base=1).threshold == 1
    with pytest.raises(ValueError, match=r"^the threshold is at least 1$"):
        Policy(threshold=0, base=1)


def test_a_rounding_base_of_zero_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^the rounding base is at least 1$"):
        Policy(threshold=10, base=0)


def test_a_base_that_rounds_the_threshold_down_is_refused_by_name():
    with pytest.raises(
        ValueError, match=r"^the rounding base rounds the threshold down: choose another$"
    ):
        Policy(threshold=12, base=5)  # 12 would be published as 10


def test_a_negative_count_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^a count is never negative$"):
        round_to_base(-1, 5)
    with pytest.raises(ValueError, match=r"^table 'stage' has a negative count$"):
        protect(total=10, tables={"stage": {"a": -1, "b": 11}})


def test_a_cell_of_exactly_the_threshold_is_published():
    published = protect(
        total=100, tables={"t": {"a": 10, "b": 40, "c": 50}}, policy=Policy(threshold=10, base=5)
    )
    assert published.tables["t"] == {"a": 10, "b": 40, "c": 50}


def test_a_total_of_exactly_the_threshold_is_published():
    published = protect(total=10, tables={"t": {"a": 10}}, policy=Policy(threshold=10, base=5))
    assert published.total == 10
    assert published.tables["t"] == {"a": 10}


def test_two_small_cells_that_hold_less_than_the_threshold_hide_a_third():
    cells = {"a": 2, "b": 3, "c": 50, "d": 60}
    published = protect(total=115, tables={"t": cells}, policy=Policy(threshold=10, base=5))
    assert published.tables["t"] == {"a": None, "b": None, "c": None, "d": 60}


def test_hidden_cells_holding_exactly_the_threshold_hide_no_more():
    cells = {"a": 4, "b": 6, "c": 50, "d": 60}
    published = protect(total=120, tables={"t": cells}, policy=Policy(threshold=10, base=5))
    assert published.tables["t"] == {"a": None, "b": None, "c": 50, "d": 60}
