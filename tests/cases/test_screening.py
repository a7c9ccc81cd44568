"""Screening rules (pure engine): age limits, experience, documents and priority."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.cases.screening import (
    DocumentFact,
    Outcome,
    ScreeningInput,
    age_on,
    screen,
)
from tests.conftest import examples

APPLIED = datetime.date(2024, 6, 15)
MILITARY_ID = DocumentFact(kind="military_id", verified=True)


def _facts(**overrides) -> ScreeningInput:
    values = {
        "date_of_birth": datetime.date(1990, 4, 17),
        "applied_on": APPLIED,
        "years_of_service": 6,
        "combat_deployments": 2,
        "peacekeeping": True,
        "documents": (MILITARY_ID,),
    }
    values.update(overrides)
    return ScreeningInput(**values)


def _born_aged(age: int) -> datetime.date:
    """A birth date that makes the applicant exactly `age` on APPLIED (birthday long past)."""
    return datetime.date(APPLIED.year - age, 1, 10)


@pytest.mark.parametrize(
    ("age", "outcome"),
    [
        (17, Outcome.DECLINE),
        (18, Outcome.PROCEED),
        (60, Outcome.PROCEED),
        (61, Outcome.DECLINE),
    ],
)
def test_age_limits_at_application(age, outcome):
    recommendation = screen(_facts(date_of_birth=_born_aged(age)))
    assert recommendation.outcome == outcome
    age_reason = recommendation.reasons[0]
    assert age_reason.code == "age"
    assert age_reason.message == f"Aged {age} at application (accepted: 18–60)."
    assert age_reason.favourable is (outcome == Outcome.PROCEED)


def test_eighteenth_birthday_is_counted_on_the_day_itself():
    born = datetime.date(2006, 6, 15)
    assert screen(_facts(date_of_birth=born, applied_on=APPLIED)).outcome == Outcome.PROCEED
    day_before = APPLIED - datetime.timedelta(days=1)
    assert screen(_facts(date_of_birth=born, applied_on=day_before)).outcome == Outcome.DECLINE


def test_sixty_first_birthday_is_declined_on_the_day_itself():
    born = datetime.date(1963, 6, 15)
    assert screen(_facts(date_of_birth=born, applied_on=APPLIED)).outcome == Outcome.DECLINE
    day_before = APPLIED - datetime.timedelta(days=1)
    assert screen(_facts(date_of_birth=born, applied_on=day_before)).outcome == Outcome.PROCEED


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (datetime.date(2000, 2, 29), datetime.date(2018, 2, 28), 17),
        (datetime.date(2000, 2, 29), datetime.date(2018, 3, 1), 18),
        (datetime.date(2000, 2, 29), datetime.date(2020, 2, 29), 20),
        (datetime.date(1990, 12, 31), datetime.date(2024, 1, 1), 33),
        (datetime.date(1990, 1, 1), datetime.date(2024, 1, 1), 34),
    ],
)
def test_age_on_counts_whole_years(born, day, age):
    assert age_on(born, day) == age


def test_zero_years_of_service_is_referred_with_no_priority():
    recommendation = screen(_facts(years_of_service=0, combat_deployments=0, documents=()))
    assert recommendation.outcome == Outcome.REFER
    assert recommendation.priority == 0
    service = next(r for r in recommendation.reasons if r.code == "service")
    assert service.message == "0 year(s) of military service (at least 1 needed)."
    assert service.favourable is False


def test_zero_years_is_referred_even_with_a_verified_document():
    assert screen(_facts(years_of_service=0)).outcome == Outcome.REFER


def test_one_year_of_service_is_enough():
    assert screen(_facts(years_of_service=1)).outcome == Outcome.PROCEED


def test_age_outside_limits_wins_over_missing_experience():
    recommendation = screen(_facts(date_of_birth=_born_aged(17), years_of_service=0))
    assert recommendation.outcome == Outcome.DECLINE
    assert recommendation.priority == 0


def test_no_document_needs_documents():
    recommendation = screen(_facts(documents=()))
    assert recommendation.outcome == Outcome.NEEDS_DOCUMENTS
    documents = next(r for r in recommendation.reasons if r.code == "documents")
    assert documents.message == "No verified military document yet."
    assert documents.favourable is False


@pytest.mark.parametrize(
    "documents",
    [
        (DocumentFact(kind="military_id", verified=False),),
        (DocumentFact(kind="passport", verified=True),),
        (DocumentFact(kind="medical", verified=True), DocumentFact("service_record", False)),
    ],
)
def test_unverified_or_non_military_document_still_needs_documents(documents):
    assert screen(_facts(documents=documents)).outcome == Outcome.NEEDS_DOCUMENTS


@pytest.mark.parametrize("kind", ["military_id", "discharge_papers", "service_record"])
def test_verified_military_document_proceeds(kind):
    recommendation = screen(_facts(documents=(DocumentFact(kind=kind, verified=True),)))
    assert recommendation.outcome == Outcome.PROCEED
    documents = next(r for r in recommendation.reasons if r.code == "documents")
    assert documents.message == f"Verified: {kind}."
    assert documents.favourable is True


def test_verified_documents_are_listed_once_in_order():
    documents = (
        DocumentFact("service_record", True),
        DocumentFact("military_id", True),
        DocumentFact("military_id", True),
    )
    reasons = screen(_facts(documents=documents)).reasons
    assert reasons[-1].message == "Verified: military_id, service_record."


def test_reasons_are_given_in_a_fixed_order():
    codes = [r.code for r in screen(_facts()).reasons]
    assert codes == ["age", "service", "combat", "peacekeeping", "documents"]
    codes = [r.code for r in screen(_facts(peacekeeping=False)).reasons]
    assert codes == ["age", "service", "combat", "documents"]


def test_priority_values():
    assert screen(_facts(years_of_service=6, combat_deployments=2)).priority == 126
    assert screen(_facts(years_of_service=6, combat_deployments=2, documents=())).priority == 26
    # Caps: at most 5 deployments and 20 years count.
    assert screen(_facts(years_of_service=40, combat_deployments=9)).priority == 170


def test_combat_experience_is_interviewed_before_none():
    combat = screen(_facts(combat_deployments=1))
    none = screen(_facts(combat_deployments=0))
    assert combat.outcome == none.outcome == Outcome.PROCEED
    assert combat.priority > none.priority
    assert next(r for r in none.reasons if r.code == "combat").favourable is False


def test_verified_documents_come_before_unverified_combat_veterans():
    verified = screen(_facts(combat_deployments=0, years_of_service=1))
    unverified = screen(_facts(combat_deployments=5, years_of_service=20, documents=()))
    assert verified.priority > unverified.priority


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2024, 6, 15)),
    years=st.integers(min_value=0, max_value=50),
    combat=st.integers(min_value=0, max_value=50),
    verified=st.booleans(),
)
def test_priority_is_zero_exactly_when_not_recommended(born, years, combat, verified):
    documents = (DocumentFact("military_id", verified),)
    recommendation = screen(
        _facts(
            date_of_birth=born,
            years_of_service=years,
            combat_deployments=combat,
            documents=documents,
        )
    )
    recommended = recommendation.outcome in (Outcome.PROCEED, Outcome.NEEDS_DOCUMENTS)
    assert (recommendation.priority > 0) is recommended
    assert 0 <= recommendation.priority <= 170
