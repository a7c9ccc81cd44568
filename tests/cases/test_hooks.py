"""Apps take part in transitions through hooks: facts for guards, handlers on stage entry."""

from __future__ import annotations

import pytest

from enlist.cases import hooks, workflow
from enlist.cases.models import Application, StageChange
from enlist.cases.services import application_transition
from enlist.cases.workflow import Rule, Stage
from enlist.errors import TransitionNotAllowed
from tests.factories import ApplicationFactory


@pytest.fixture
def isolated_hooks(monkeypatch):
    monkeypatch.setattr(hooks, "_providers", [])
    monkeypatch.setattr(hooks, "_entry_handlers", hooks.defaultdict(list))


@pytest.fixture
def guarded_screening(monkeypatch):
    """submitted → screening guarded by a fact named `ready`, failing closed when missing."""

    def needs_ready(facts):
        return None if facts.get("ready") else "Not ready."

    table = tuple(
        Rule(r.sources, r.target, r.roles, r.reason_required, (needs_ready,), r.label)
        if r.target == Stage.SCREENING
        else r
        for r in workflow.TRANSITIONS
    )
    monkeypatch.setattr(workflow, "TRANSITIONS", table)


@pytest.mark.django_db
def test_a_guard_reads_the_facts_a_provider_gives(
    isolated_hooks, guarded_screening, vilnius, clerk_vilnius
):
    case = ApplicationFactory(mission=vilnius)
    with pytest.raises(TransitionNotAllowed, match="Not ready"):
        application_transition(application=case, to=Stage.SCREENING, actor=clerk_vilnius)
    hooks.register_fact_provider(lambda application: {"ready": application.pk == case.pk})
    application_transition(application=case, to=Stage.SCREENING, actor=clerk_vilnius)
    assert Application.objects.get(pk=case.pk).stage == Stage.SCREENING


@pytest.mark.django_db
def test_a_failing_entry_handler_undoes_the_move(isolated_hooks, vilnius, clerk_vilnius):
    case = ApplicationFactory(mission=vilnius)
    seen = []

    def remember(application, change, actor):
        seen.append((application.pk, change.to_stage, actor.pk))

    def refuse(application, change, actor):
        raise RuntimeError("handler failed")

    hooks.register_stage_entry(Stage.SCREENING, remember)
    hooks.register_stage_entry(Stage.SCREENING, remember)  # registered once only
    application_transition(application=case, to=Stage.SCREENING, actor=clerk_vilnius)
    assert seen == [(case.pk, "screening", clerk_vilnius.pk)]

    hooks.register_stage_entry(Stage.INTERVIEW, refuse)
    with pytest.raises(RuntimeError):
        application_transition(application=case, to=Stage.INTERVIEW, actor=clerk_vilnius)
    assert Application.objects.get(pk=case.pk).stage == Stage.SCREENING
    assert not StageChange.objects.filter(application=case, to_stage="interview").exists()
