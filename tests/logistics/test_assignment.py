"""The unit suggestion engine (pure): scores explained part by part, batches that never
overfill a unit, and the same answer for the same question."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enlist.logistics import assignment
from enlist.logistics.assignment import (
    LANGUAGE,
    METHODS,
    NATIONALITY,
    NO_LANGUAGE,
    PREFERENCE,
    SPECIALTY,
    UnitSpec,
    Volunteer,
    rank,
    score,
    suggest,
)
from tests.conftest import examples

PAHONIA = UnitSpec("pahonia", 2, languages=frozenset({"be", "ru"}),
                   nationalities=frozenset({"BY"}),
                   specialties=frozenset({"infantry", "drone operator"}))  # fmt: skip
CANADIAN = UnitSpec("canadian", 1, languages=frozenset({"en", "uk", "fr"}),
                    nationalities=frozenset({"CA"}),
                    specialties=frozenset({"combat medic"}))  # fmt: skip
GEORGIAN = UnitSpec("georgian", 3, languages=frozenset({"ka", "en", "ru"}),
                    nationalities=frozenset({"GE"}))  # fmt: skip


def test_engine_imports_no_django():
    tree = ast.parse(Path(assignment.__file__).read_text(encoding="utf-8"))
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules.append(node.module or "")
    assert not [m for m in modules if m.split(".")[0] == "django"]


def test_score_is_the_sum_of_its_explained_parts():
    volunteer = Volunteer("v1", "BY", frozenset({"be", "ru", "en"}),
                          frozenset({"infantry", "drone operator", "sniper"}),
                          preference="pahonia")  # fmt: skip
    result = score(volunteer, PAHONIA)
    assert [(p.code, p.points, p.detail) for p in result.parts] == [
        ("preference", PREFERENCE, "pahonia"),
        ("nationality", NATIONALITY, "BY"),
        ("language", LANGUAGE, "be"),
        ("language", LANGUAGE, "ru"),
        ("specialty", SPECIALTY, "drone operator"),
        ("specialty", SPECIALTY, "infantry"),
    ]
    assert result.total == 50 + 40 + 15 + 15 + 10 + 10 == 140


def test_no_shared_language_counts_against_a_unit():
    volunteer = Volunteer("v1", "JP", frozenset({"ja"}))
    result = score(volunteer, PAHONIA)
    assert [(p.code, p.points) for p in result.parts] == [("no_language", NO_LANGUAGE)]
    assert result.total == -30


def test_ranking_is_best_first_ties_by_code():
    volunteer = Volunteer("v1", "US", frozenset({"en"}))
    assert [(s.unit, s.total) for s in rank(volunteer, [PAHONIA, GEORGIAN, CANADIAN])] == [
        ("canadian", 15),
        ("georgian", 15),
        ("pahonia", -30),
    ]


@pytest.mark.parametrize("method", METHODS)
def test_a_full_unit_is_not_suggested_and_a_stated_preference_wins(method):
    full = UnitSpec("canadian", 1, taken=1, languages=frozenset({"en"}),
                    nationalities=frozenset({"CA"}))  # fmt: skip
    canadian = Volunteer("c", "CA", frozenset({"en"}))
    belarusian = Volunteer("b", "BY", frozenset({"ru"}), preference="georgian")
    result = suggest([canadian, belarusian], [full, PAHONIA, GEORGIAN], method=method)
    assert result["c"].unit == "georgian"  # shares English; Canadian unit has no place
    assert result["b"].unit == "georgian"  # asked for it: 50 + ru 15 beats nationality + ru
    assert result["b"].score.total == 65


@pytest.mark.parametrize("method", METHODS)
def test_volunteers_beyond_every_free_place_get_none(method):
    units = [UnitSpec("a", 1), UnitSpec("b", 1, taken=1)]
    result = suggest([Volunteer(str(i), "CA") for i in range(3)], units, method=method)
    assert sorted(s.unit or "-" for s in result.values()) == ["-", "-", "a"]
    assert all(s.score is None for s in result.values() if s.unit is None)


def test_optimal_places_where_greedy_blocks():
    # Greedy gives "x" to the best pair (v1: 55) and leaves v2 only "y" (-30): 25 in all;
    # optimal sends v1 to "y" (15) and v2 to the unit it asked for (20): 35.
    x = UnitSpec("x", 1, languages=frozenset({"en"}), nationalities=frozenset({"CA"}))
    y = UnitSpec("y", 1, languages=frozenset({"fr"}), nationalities=frozenset({"FR"}))
    v1 = Volunteer("v1", "CA", frozenset({"en", "fr"}))
    v2 = Volunteer("v2", "US", frozenset({"de"}), preference="x")
    greedy = suggest([v1, v2], [x, y], method="greedy")
    optimal = suggest([v1, v2], [x, y], method="optimal")
    assert {k: s.unit for k, s in greedy.items()} == {"v1": "x", "v2": "y"}
    assert {k: s.unit for k, s in optimal.items()} == {"v1": "y", "v2": "x"}
    assert sum(s.score.total for s in greedy.values()) == 25
    assert sum(s.score.total for s in optimal.values()) == 35


def test_unknown_method_and_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="method"):
        suggest([], [], method="random")
    with pytest.raises(ValueError, match="unique"):
        suggest([Volunteer("a", "CA"), Volunteer("a", "US")], [PAHONIA])


# --- properties ------------------------------------------------------------------------------

CODES = ["alpha", "bravo", "charlie", "delta", "echo"]
LANGS = ["en", "uk", "ru", "be", "ka", "fr", "es"]
COUNTRIES = ["CA", "BY", "GE", "US", "GB", "PL"]
SKILLS = ["infantry", "sniper", "combat medic", "signals"]

units_strategy = st.lists(
    st.builds(
        UnitSpec,
        code=st.sampled_from(CODES),
        capacity=st.integers(0, 6),
        taken=st.integers(0, 7),
        languages=st.frozensets(st.sampled_from(LANGS), max_size=3),
        nationalities=st.frozensets(st.sampled_from(COUNTRIES), max_size=2),
        specialties=st.frozensets(st.sampled_from(SKILLS), max_size=2),
    ),
    max_size=5,
    unique_by=lambda u: u.code,
)


@st.composite
def volunteers_strategy(draw):
    count = draw(st.integers(0, 40))
    return [
        Volunteer(
            key=f"v{i:03d}",
            nationality=draw(st.sampled_from(COUNTRIES)),
            languages=draw(st.frozensets(st.sampled_from(LANGS), max_size=3)),
            specialties=draw(st.frozensets(st.sampled_from(SKILLS), max_size=3)),
            preference=draw(st.one_of(st.none(), st.sampled_from(CODES))),
        )
        for i in range(count)
    ]


@settings(max_examples=examples(80), deadline=None)
@given(units=units_strategy, volunteers=volunteers_strategy(), method=st.sampled_from(METHODS))
def test_suggestions_never_exceed_capacity(units, volunteers, method):
    result = suggest(volunteers, units, method=method)
    assert set(result) == {v.key for v in volunteers}
    placed: dict[str, int] = {}
    for suggestion in result.values():
        if suggestion.unit is not None:
            placed[suggestion.unit] = placed.get(suggestion.unit, 0) + 1
            assert suggestion.score.unit == suggestion.unit
            assert suggestion.score.total == sum(p.points for p in suggestion.score.parts)
    for unit in units:
        assert unit.taken + placed.get(unit.code, 0) <= max(unit.capacity, unit.taken)
        assert placed.get(unit.code, 0) <= unit.free
    # As many volunteers placed as there are free places (or volunteers).
    assert sum(placed.values()) == min(len(volunteers), sum(u.free for u in units))


@settings(max_examples=examples(30), deadline=None)
@given(units=units_strategy, volunteers=volunteers_strategy(), seed=st.integers(0, 1000))
def test_suggestions_are_deterministic_whatever_the_input_order(units, volunteers, seed):
    shuffled_volunteers, shuffled_units = list(volunteers), list(units)
    random.Random(seed).shuffle(shuffled_volunteers)
    random.Random(seed + 1).shuffle(shuffled_units)
    for method in METHODS:
        first = suggest(volunteers, units, method=method)
        again = suggest(shuffled_volunteers, shuffled_units, method=method)
        assert {k: s.unit for k, s in first.items()} == {k: s.unit for k, s in again.items()}


@settings(max_examples=examples(40), deadline=None)
@given(units=units_strategy, volunteers=volunteers_strategy())
def test_optimal_total_score_is_at_least_greedys(units, volunteers):
    def total(result):
        return sum(s.score.total for s in result.values() if s.score is not None)

    assert total(suggest(volunteers, units, method="optimal")) >= total(
        suggest(volunteers, units, method="greedy")
    )


def test_many_volunteers_few_places():
    units = [UnitSpec(code, 7, taken=i) for i, code in enumerate(CODES)]
    volunteers = [Volunteer(f"v{i:04d}", COUNTRIES[i % 6], frozenset({LANGS[i % 7]}))
                  for i in range(2000)]  # fmt: skip
    for method in METHODS:
        result = suggest(volunteers, units, method=method)
        counts = {code: 0 for code in CODES}
        for s in result.values():
            if s.unit:
                counts[s.unit] += 1
        assert counts == {"alpha": 7, "bravo": 6, "charlie": 5, "delta": 4, "echo": 3}
