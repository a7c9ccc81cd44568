"""Screening recommendations pinned whole: every reason's code, message and verdict, the
outcome and the priority, for applicants at each edge (one combat deployment, none, no
peacekeeping, no service, documents not yet verified). Messages are shown to staff as the
reasons for a recommendation, so their wording is part of the behaviour."""

from __future__ import annotations

import datetime

from enlist.cases.screening import (
    DocumentFact,
    Outcome,
    Reason,
    Recommendation,
    ScreeningInput,
    screen,
)

APPLIED = datetime.date(2024, 6, 15)
BORN = datetime.date(1990, 4, 17)  # 34 on APPLIED
AGE_34 = Reason("age", "Aged 34 at application (accepted: 18–60).", True)


def _facts(**overrides) -> ScreeningInput:
    values = {
        "date_of_birth": BORN,
        "applied_on": APPLIED,
        "years_of_service": 6,
        "combat_deployments": 1,
        "peacekeeping": False,
        "documents": (DocumentFact(kind="military_id", verified=True),),
    }
    values.update(overrides)
    return ScreeningInput(**values)


def test_exactly_one_combat_deployment_is_preferred():
    assert screen(_facts()) == Recommendation(
        outcome=Outcome.PROCEED,
        reasons=(
            AGE_34,
            Reason("service", "6 year(s) of military service.", True),
            Reason("combat", "1 combat deployment(s): preferred.", True),
            Reason("documents", "Verified: military_id.", True),
        ),
        priority=100 + 10 + 6,
    )


def test_no_combat_deployment_is_said_and_counts_against():
    assert screen(_facts(combat_deployments=0, peacekeeping=True)) == Recommendation(
        outcome=Outcome.PROCEED,
        reasons=(
            AGE_34,
            Reason("service", "6 year(s) of military service.", True),
            Reason("combat", "No combat deployment.", False),
            Reason("peacekeeping", "Served in peacekeeping.", True),
            Reason("documents", "Verified: military_id.", True),
        ),
        priority=100 + 0 + 6,
    )


def test_unverified_documents_need_documents_with_the_lower_priority():
    documents = (
        DocumentFact(kind="military_id", verified=False),
        DocumentFact(kind="passport", verified=True),
    )
    assert screen(
        _facts(combat_deployments=7, years_of_service=25, documents=documents)
    ) == Recommendation(
        outcome=Outcome.NEEDS_DOCUMENTS,
        reasons=(
            AGE_34,
            Reason("service", "25 year(s) of military service.", True),
            Reason("combat", "7 combat deployment(s): preferred.", True),
            Reason("documents", "No verified military document yet.", False),
        ),
        priority=0 + 10 * 5 + 20,
    )


def test_no_service_is_referred_with_the_minimum_named():
    assert screen(_facts(years_of_service=0, combat_deployments=0)) == Recommendation(
        outcome=Outcome.REFER,
        reasons=(
            AGE_34,
            Reason("service", "0 year(s) of military service (at least 1 needed).", False),
            Reason("combat", "No combat deployment.", False),
            Reason("documents", "Verified: military_id.", True),
        ),
        priority=0,
    )


def test_every_verified_military_document_is_listed_once_in_order():
    documents = (
        DocumentFact(kind="service_record", verified=True),
        DocumentFact(kind="discharge_papers", verified=True),
        DocumentFact(kind="service_record", verified=True),
        DocumentFact(kind="military_id", verified=False),
    )
    reasons = screen(_facts(documents=documents)).reasons
    assert reasons[-1] == Reason("documents", "Verified: discharge_papers, service_record.", True)


def test_sixty_first_birthday_on_the_day_of_application_declines_with_no_priority():
    recommendation = screen(_facts(date_of_birth=datetime.date(1963, 6, 15)))
    assert recommendation.outcome == Outcome.DECLINE
    assert recommendation.reasons[0] == Reason(
        "age", "Aged 61 at application (accepted: 18–60).", False
    )
    assert recommendation.priority == 0


# `Reason.values` are left out of a Reason's equality (compare=False): pages build the reader's
# own sentence from them (cases/labels.py), so they are pinned on their own.


def test_reason_values_state_the_facts_of_an_applicant_who_proceeds():
    recommendation = screen(
        _facts(documents=(DocumentFact("service_record", True), DocumentFact("military_id", True)))
    )
    assert [(r.code, r.values) for r in recommendation.reasons] == [
        ("age", {"age": 34, "min": 18, "max": 60}),
        ("service", {"years": 6, "needed": None}),
        ("combat", {"count": 1}),
        ("documents", {"kinds": ["military_id", "service_record"]}),
    ]


def test_reason_values_state_what_is_missing():
    recommendation = screen(
        _facts(
            date_of_birth=datetime.date(1960, 6, 16),  # 63 on APPLIED
            years_of_service=0,
            combat_deployments=0,
            peacekeeping=True,
            documents=(DocumentFact("military_id", False),),
        )
    )
    assert [(r.code, r.values) for r in recommendation.reasons] == [
        ("age", {"age": 63, "min": 18, "max": 60}),
        ("service", {"years": 0, "needed": 1}),
        ("combat", {"count": 0}),
        ("peacekeeping", {}),
        ("documents", {}),
    ]
