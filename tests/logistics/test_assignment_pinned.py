"""The unit suggestion engine pinned value by value: each score part and its cap, the free
places of a unit, tie-breaking, the refusals and both methods' answers on small cases."""

from __future__ import annotations

import pytest

from enlist.logistics.assignment import (
    ScorePart,
    Suggestion,
    UnitScore,
    UnitSpec,
    Volunteer,
    rank,
    score,
    suggest,
)


@pytest.mark.parametrize(
    ("capacity", "taken", "free"), [(3, 0, 3), (3, 2, 1), (3, 3, 0), (3, 5, 0)]
)
def test_free_places_never_go_below_zero(capacity, taken, free):
    assert UnitSpec("u", capacity, taken=taken).free == free


def test_every_part_is_scored_with_its_points_and_detail():
    unit = UnitSpec(
        "pahonia",
        5,
        languages=frozenset({"be", "ru", "pl", "uk"}),
        nationalities=frozenset({"BY"}),
        specialties=frozenset({"infantry", "drone operator", "sniper", "medic"}),
    )
    volunteer = Volunteer(
        "v1",
        "BY",
        languages=frozenset({"uk", "ru", "be"}),
        specialties=frozenset({"sniper", "medic", "infantry", "drone operator"}),
        preference="pahonia",
    )
    assert score(volunteer, unit) == UnitScore(
        "pahonia",
        50 + 40 + 15 + 15 + 10 + 10 + 10,
        (
            ScorePart("preference", 50, "pahonia"),
            ScorePart("nationality", 40, "BY"),
            ScorePart("language", 15, "be"),  # two languages at most, in order
            ScorePart("language", 15, "ru"),
            ScorePart("specialty", 10, "drone operator"),  # three specialties at most
            ScorePart("specialty", 10, "infantry"),
            ScorePart("specialty", 10, "medic"),
        ),
    )


def test_one_shared_language_scores_once():
    unit = UnitSpec("u", 1, languages=frozenset({"en", "fr"}))
    assert score(Volunteer("v", "CA", languages=frozenset({"fr"})), unit) == UnitScore(
        "u", 15, (ScorePart("language", 15, "fr"),)
    )


def test_no_shared_language_costs_thirty_only_where_the_unit_names_languages():
    volunteer = Volunteer("v", "GE", languages=frozenset({"ka"}))
    assert score(volunteer, UnitSpec("u", 1, languages=frozenset({"en"}))) == UnitScore(
        "u", -30, (ScorePart("no_language", -30, ""),)
    )
    assert score(volunteer, UnitSpec("any", 1)) == UnitScore("any", 0, ())


def test_another_units_preference_scores_nothing():
    volunteer = Volunteer("v", "CA", preference="canadian")
    assert score(volunteer, UnitSpec("georgian", 1)).parts == ()


def test_ranking_is_best_first_then_by_code():
    volunteer = Volunteer("v", "CA", languages=frozenset({"en"}))
    units = [
        UnitSpec("b", 1, languages=frozenset({"en"})),
        UnitSpec("c", 1, nationalities=frozenset({"CA"})),
        UnitSpec("a", 1, languages=frozenset({"en"})),
        UnitSpec("d", 1, languages=frozenset({"ka"})),
    ]
    assert [(s.unit, s.total) for s in rank(volunteer, units)] == [
        ("c", 40),
        ("a", 15),
        ("b", 15),
        ("d", -30),
    ]


@pytest.mark.parametrize(
    ("volunteers", "units", "method", "message"),
    [
        ([], [], "best", "method must be one of ('greedy', 'optimal')"),
        (
            [Volunteer("v", "CA"), Volunteer("v", "GE")],
            [],
            "greedy",
            "volunteer keys must be unique",
        ),
        ([], [UnitSpec("u", 1), UnitSpec("u", 2)], "optimal", "unit codes must be unique"),
    ],
)
def test_refusals_name_the_problem(volunteers, units, method, message):
    with pytest.raises(ValueError) as excinfo:
        suggest(volunteers, units, method=method)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("method", ["greedy", "optimal"])
def test_nothing_to_place_or_nowhere_to_place(method):
    assert suggest([], [UnitSpec("u", 1)], method=method) == {}
    alone = Volunteer("v", "CA")
    assert suggest([alone], [], method=method) == {"v": Suggestion("v", None, None, ())}


@pytest.mark.parametrize("method", ["greedy", "optimal"])
def test_a_full_unit_takes_nobody_and_the_suggestion_carries_the_whole_ranking(method):
    full = UnitSpec("full", 2, taken=2, nationalities=frozenset({"CA"}))
    open_ = UnitSpec("open", 1)
    volunteer = Volunteer("v", "CA")
    [suggestion] = suggest([volunteer], [full, open_], method=method).values()
    assert suggestion == Suggestion(
        "v",
        "open",
        UnitScore("open", 0, ()),
        (UnitScore("full", 40, (ScorePart("nationality", 40, "CA"),)), UnitScore("open", 0, ())),
    )


def test_greedy_gives_the_last_place_to_the_best_score_then_the_first_key():
    unit = UnitSpec("u", 1, nationalities=frozenset({"CA"}))
    fits = Volunteer("b", "CA")
    other = Volunteer("a", "GE")
    chosen = suggest([other, fits], [unit], method="greedy")
    assert (chosen["b"].unit, chosen["a"].unit) == ("u", None)
    assert chosen["a"].score is None
    twins = suggest([Volunteer("b", "CA"), Volunteer("a", "CA")], [unit], method="greedy")
    assert (twins["a"].unit, twins["b"].unit) == ("u", None)


def test_optimal_beats_greedy_where_greedy_takes_the_wrong_place_first():
    # x scores 55 in both units; greedy breaks the tie by code (u1) and leaves y to u2,
    # where y shares no language (-30). The optimum sends x to u2 so that y gets u1.
    u1 = UnitSpec("u1", 1, languages=frozenset({"en"}), nationalities=frozenset({"CA"}))
    u2 = UnitSpec("u2", 1, languages=frozenset({"fr"}), nationalities=frozenset({"CA"}))
    x = Volunteer("x", "CA", languages=frozenset({"en", "fr"}))
    y = Volunteer("y", "GE", languages=frozenset({"en"}))
    greedy = suggest([x, y], [u1, u2], method="greedy")
    optimal = suggest([x, y], [u1, u2], method="optimal")
    assert (greedy["x"].unit, greedy["y"].unit) == ("u1", "u2")
    assert (greedy["x"].score.total, greedy["y"].score.total) == (55, -30)
    assert (optimal["x"].unit, optimal["y"].unit) == ("u2", "u1")
    assert (optimal["x"].score.total, optimal["y"].score.total) == (55, 15)
