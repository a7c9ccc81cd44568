"""The workflow table (pure engine): every row of DESIGN.md's transitions table, and its edges.

The expected table is written out here from DESIGN.md, independently of
``enlist.cases.workflow.TRANSITIONS``, so a change to either shows up as a failure.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.accounts.roles import Role
from enlist.cases import workflow
from enlist.cases.workflow import (
    FINAL_STAGES,
    OPEN_STAGES,
    PIPELINE,
    REASON_MAX_LENGTH,
    Rule,
    Stage,
    available_transitions,
    check_transition,
)
from enlist.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from tests.conftest import examples

S = Stage
CLERK, ATTACHE, CONSUL, RECEPTION, HQ = (
    Role.CLERK,
    Role.ATTACHE,
    Role.CONSUL,
    Role.RECEPTION,
    Role.HQ,
)
DESIGN_OPEN = [S.SUBMITTED, S.SCREENING, S.INTERVIEW, S.VISA, S.TRAVEL, S.ARRIVED, S.ON_HOLD]
DESIGN_HOLDABLE = [S.SUBMITTED, S.SCREENING, S.INTERVIEW, S.VISA, S.TRAVEL, S.ARRIVED]
DESIGN_FINAL = [S.ENLISTED, S.WITHDRAWN, S.REFERRED, S.REJECTED]

# (current, held_from, target) -> (roles, reason required), straight from DESIGN.md.
TABLE: dict[tuple[Stage, Stage | None, Stage], tuple[frozenset[Role], bool]] = {
    (S.SUBMITTED, None, S.SCREENING): (frozenset({CLERK, HQ}), False),
    (S.SCREENING, None, S.INTERVIEW): (frozenset({CLERK, ATTACHE, HQ}), False),
    (S.SCREENING, None, S.REFERRED): (frozenset({CLERK, ATTACHE, HQ}), True),
    (S.SCREENING, None, S.REJECTED): (frozenset({ATTACHE, HQ}), True),
    (S.INTERVIEW, None, S.REJECTED): (frozenset({ATTACHE, HQ}), True),
    (S.INTERVIEW, None, S.VISA): (frozenset({ATTACHE, CONSUL}), False),
    (S.VISA, None, S.TRAVEL): (frozenset({CONSUL}), False),
    (S.TRAVEL, None, S.ARRIVED): (frozenset({RECEPTION, HQ}), False),
    (S.ARRIVED, None, S.ENLISTED): (frozenset({HQ}), False),
}
for _stage in DESIGN_OPEN:
    _held = S.SCREENING if _stage == S.ON_HOLD else None
    TABLE[(_stage, _held, S.WITHDRAWN)] = (frozenset({CLERK, HQ}), True)
for _stage in DESIGN_HOLDABLE:
    TABLE[(_stage, None, S.ON_HOLD)] = (frozenset({ATTACHE, HQ}), True)
    TABLE[(S.ON_HOLD, _stage, _stage)] = (frozenset({ATTACHE, HQ}), True)
# Issue 13: the consul puts an interview case on hold too (only after missed interviews: a
# guard); travel → arrived is made with the check-in code (a guard), or by HQ with a reason.
TABLE[(S.INTERVIEW, None, S.ON_HOLD)] = (frozenset({ATTACHE, CONSUL, HQ}), True)

LEGAL = [
    pytest.param(current, held, target, role, reason, id=f"{current}>{target}[{held}]-{role}")
    for (current, held, target), (roles, reason) in TABLE.items()
    for role in sorted(roles)
]
REFUSED_ROLES = [
    pytest.param(current, held, target, role, id=f"{current}>{target}[{held}]-{role}")
    for (current, held, target), (roles, _) in TABLE.items()
    for role in sorted(set(Role) - roles)
]
REASON_REQUIRED = [
    pytest.param(current, held, target, sorted(roles)[0], id=f"{current}>{target}[{held}]")
    for (current, held, target), (roles, reason) in TABLE.items()
    if reason
]


def _expected(current: Stage, held: Stage | None, target: Stage):
    """The DESIGN row for a move (on_hold resumes only to where it was held from), or None."""
    if current == S.ON_HOLD:
        if target == held:
            return TABLE[(S.ON_HOLD, held, held)]
        if target == S.WITHDRAWN:
            return TABLE[(S.ON_HOLD, S.SCREENING, S.WITHDRAWN)]
        return None
    return TABLE.get((current, None, target))


NOT_IN_TABLE = [
    pytest.param(current, target, id=f"{current}>{target}")
    for current in Stage
    for target in Stage
    if _expected(current, S.SCREENING if current == S.ON_HOLD else None, target) is None
]


# Facts under which every guard of the table holds.
# Facts under which every guard of the table holds.
GUARDS_HOLD = {
    "interview_verdicts": {"attache": True, "consul": True},
    "visa_status": "not_needed",
    "unit_assigned": "pahonia",
    "consent_confirmed": True,
    "checked_in_with_code": True,
    "interview_no_show_limit_reached": True,
}


@pytest.mark.parametrize("facts", [{}, {"consent_confirmed": False}, {"consent_confirmed": None}])
def test_screening_to_interview_needs_confirmed_consent(facts):
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(
            current=S.SCREENING, target=S.INTERVIEW, role=Role.CLERK, reason="", facts=facts
        )
    assert excinfo.value.message.startswith("The volunteer's consent is still to be confirmed")
    assert excinfo.value.status == 409
    rule = check_transition(
        current=S.SCREENING, target=S.INTERVIEW, role=Role.CLERK, reason="", facts=GUARDS_HOLD
    )
    assert rule.target == S.INTERVIEW


@pytest.mark.parametrize(
    ("facts", "refusal"),
    [
        ({}, "The interview verdicts are not known."),
        ({"interview_verdicts": None}, "The interview verdicts are not known."),
        (
            {"interview_verdicts": {"attache": True, "consul": None}},
            "Both the attaché and the consul must record their verdict first.",
        ),
        (
            {"interview_verdicts": {"attache": True, "consul": False}},
            "Both the attaché and the consul must recommend the applicant.",
        ),
        (
            {"interview_verdicts": {"attache": False, "consul": True}},
            "Both the attaché and the consul must recommend the applicant.",
        ),
    ],
)
def test_interview_to_visa_needs_both_recommendations(facts, refusal):
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(
            current=S.INTERVIEW, target=S.VISA, role=Role.CONSUL, reason="", facts=facts
        )
    assert excinfo.value.message == refusal
    assert excinfo.value.status == 409
    rule = check_transition(
        current=S.INTERVIEW, target=S.VISA, role=Role.CONSUL, reason="", facts=GUARDS_HOLD
    )
    assert rule.target == S.VISA


def test_stage_sets_match_design():
    assert PIPELINE == (
        S.SUBMITTED,
        S.SCREENING,
        S.INTERVIEW,
        S.VISA,
        S.TRAVEL,
        S.ARRIVED,
        S.ENLISTED,
    )
    assert set(FINAL_STAGES) == set(DESIGN_FINAL)
    assert set(OPEN_STAGES) == set(DESIGN_OPEN)
    assert len(Stage) == 11


# Facts under which every guard of the table holds (each guard is tested on its own below).
def test_design_table_has_every_expected_row():
    # 9 named rows + withdraw from 7 open stages + hold from 6 + resume to 6.
    assert len(TABLE) == 9 + 7 + 6 + 6 == 28


@pytest.mark.parametrize(("current", "held", "target", "role", "reason_required"), LEGAL)
def test_legal_transition_is_allowed_for_its_role(current, held, target, role, reason_required):
    rule = check_transition(
        current=current,
        target=target,
        role=role,
        reason="Because.",
        held_from=held,
        facts=GUARDS_HOLD,
    )
    assert current in rule.sources
    assert role in rule.roles
    assert rule.leads_to(current=current, held_from=held) == target
    assert rule.reason_required is reason_required


@pytest.mark.parametrize(("current", "held", "target", "role"), REFUSED_ROLES)
def test_legal_transition_is_refused_to_other_roles(current, held, target, role):
    with pytest.raises(NotPermitted) as excinfo:
        check_transition(
            current=current, target=target, role=role, reason="Because.", held_from=held
        )
    assert excinfo.value.status == 403
    assert f"'{target}'" in excinfo.value.message


@pytest.mark.parametrize(("current", "target"), NOT_IN_TABLE)
@pytest.mark.parametrize("role", list(Role))
def test_move_not_in_table_is_not_allowed(current, target, role):
    held = S.SCREENING if current == S.ON_HOLD else None
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(
            current=current, target=target, role=role, reason="Because.", held_from=held
        )
    assert excinfo.value.status == 409
    assert excinfo.value.field == "to"
    assert excinfo.value.message == (
        f"An application in stage '{current}' cannot move to '{target}'."
    )


@pytest.mark.parametrize(("current", "held", "target", "role"), REASON_REQUIRED)
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_transition_needing_reason_refuses_blank_reason(current, held, target, role, reason):
    with pytest.raises(InvalidInput) as excinfo:
        check_transition(current=current, target=target, role=role, reason=reason, held_from=held)
    assert excinfo.value.status == 422
    assert [e.field for e in excinfo.value.errors] == ["reason"]
    assert excinfo.value.errors[0].message == f"A reason is required to move to '{target}'."


def test_transition_without_reason_guard_accepts_empty_reason():
    rule = check_transition(current=S.SUBMITTED, target=S.SCREENING, role=CLERK, reason="")
    assert rule.target == S.SCREENING
    assert rule.reason_required is False


def test_reason_longer_than_limit_is_invalid_even_when_optional():
    with pytest.raises(InvalidInput) as excinfo:
        check_transition(
            current=S.SUBMITTED,
            target=S.SCREENING,
            role=CLERK,
            reason="x" * (REASON_MAX_LENGTH + 1),
        )
    assert [e.field for e in excinfo.value.errors] == ["reason"]
    assert REASON_MAX_LENGTH == 2000


def test_reason_of_exactly_the_limit_is_accepted():
    rule = check_transition(
        current=S.SCREENING, target=S.REFERRED, role=CLERK, reason="x" * REASON_MAX_LENGTH
    )
    assert rule.target == S.REFERRED


@pytest.mark.parametrize("held", DESIGN_HOLDABLE)
def test_on_hold_resumes_only_to_the_stage_it_was_held_from(held):
    rule = check_transition(
        current=S.ON_HOLD, target=held, role=ATTACHE, reason="Back.", held_from=held
    )
    assert rule.target is None
    for other in set(DESIGN_HOLDABLE) - {held}:
        with pytest.raises(TransitionNotAllowed):
            check_transition(
                current=S.ON_HOLD, target=other, role=HQ, reason="Back.", held_from=held
            )


def test_on_hold_without_held_from_can_only_be_withdrawn():
    for target in DESIGN_HOLDABLE:
        with pytest.raises(TransitionNotAllowed):
            check_transition(current=S.ON_HOLD, target=target, role=HQ, reason="Back.")
    moves = available_transitions(current=S.ON_HOLD, role=HQ, held_from=None)
    assert [target for target, _ in moves] == [S.WITHDRAWN]


def test_on_hold_cannot_be_put_on_hold_again():
    with pytest.raises(TransitionNotAllowed):
        check_transition(
            current=S.ON_HOLD, target=S.ON_HOLD, role=HQ, reason="x", held_from=S.SCREENING
        )


@pytest.mark.parametrize("final", DESIGN_FINAL)
@pytest.mark.parametrize("role", list(Role))
def test_final_stage_has_no_moves(final, role):
    assert available_transitions(current=final, role=role) == []
    for target in Stage:
        with pytest.raises(TransitionNotAllowed):
            check_transition(current=final, target=target, role=role, reason="Because.")


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_auditor_and_admin_have_no_move_anywhere(role):
    for current in Stage:
        for held in [None, *DESIGN_HOLDABLE]:
            assert available_transitions(current=current, role=role, held_from=held) == []


@pytest.mark.parametrize(
    ("current", "held", "role", "expected"),
    [
        (S.SUBMITTED, None, CLERK, [S.SCREENING, S.WITHDRAWN]),
        (S.SUBMITTED, None, ATTACHE, [S.ON_HOLD]),
        (S.SUBMITTED, None, CONSUL, []),
        (S.SCREENING, None, CLERK, [S.INTERVIEW, S.REFERRED, S.WITHDRAWN]),
        (S.SCREENING, None, ATTACHE, [S.INTERVIEW, S.REFERRED, S.REJECTED, S.ON_HOLD]),
        (
            S.SCREENING,
            None,
            HQ,
            [S.INTERVIEW, S.REFERRED, S.REJECTED, S.WITHDRAWN, S.ON_HOLD],
        ),
        (S.INTERVIEW, None, ATTACHE, [S.REJECTED, S.VISA, S.ON_HOLD]),
        (S.INTERVIEW, None, CONSUL, [S.VISA, S.ON_HOLD]),
        (S.VISA, None, CONSUL, [S.TRAVEL]),
        (S.TRAVEL, None, RECEPTION, []),  # on the check-in page, with the code
        (S.TRAVEL, None, HQ, [S.ARRIVED, S.WITHDRAWN, S.ON_HOLD]),  # the override
        (S.ARRIVED, None, RECEPTION, []),
        (S.ARRIVED, None, HQ, [S.ENLISTED, S.WITHDRAWN, S.ON_HOLD]),
        (S.ON_HOLD, S.VISA, ATTACHE, [S.VISA]),
        (S.ON_HOLD, S.VISA, HQ, [S.WITHDRAWN, S.VISA]),
        (S.ON_HOLD, S.VISA, CLERK, [S.WITHDRAWN]),
    ],
)
def test_available_transitions_lists_the_roles_moves_in_table_order(current, held, role, expected):
    moves = available_transitions(current=current, role=role, held_from=held)
    assert [target for target, _ in moves] == expected


def test_every_rule_has_a_label():
    assert all(rule.label for rule in workflow.TRANSITIONS)


def _guarded_table(monkeypatch, guard):
    rule = Rule(
        frozenset({S.INTERVIEW}),
        S.VISA,
        frozenset({ATTACHE, CONSUL}),
        reason_required=True,
        guards=(guard,),
        label="Guarded",
    )
    monkeypatch.setattr(workflow, "TRANSITIONS", (rule,))


def test_failing_guard_is_a_conflict_with_its_message(monkeypatch):
    _guarded_table(monkeypatch, lambda facts: None if facts.get("ok") else "Verdicts missing.")
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(current=S.INTERVIEW, target=S.VISA, role=CONSUL, reason="r")
    assert excinfo.value.message == "Verdicts missing."
    assert excinfo.value.field == "to"
    rule = check_transition(
        current=S.INTERVIEW, target=S.VISA, role=CONSUL, reason="r", facts={"ok": True}
    )
    assert rule.label == "Guarded"


def test_role_and_reason_are_checked_before_guards(monkeypatch):
    calls = []

    def guard(facts):
        calls.append(facts)
        return "Guard failed."

    _guarded_table(monkeypatch, guard)
    with pytest.raises(NotPermitted):
        check_transition(current=S.INTERVIEW, target=S.VISA, role=CLERK, reason="")
    with pytest.raises(InvalidInput):
        check_transition(current=S.INTERVIEW, target=S.VISA, role=CONSUL, reason="")
    assert calls == []


# Hypothesis: any (current, target, role, reason, held_from) gets exactly the DESIGN answer.

_held = st.one_of(st.none(), st.sampled_from(DESIGN_HOLDABLE))


@settings(
    max_examples=examples(500),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    current=st.sampled_from(list(Stage)),
    target=st.sampled_from(list(Stage)),
    role=st.sampled_from(list(Role)),
    reason=st.text(max_size=20),
    held=_held,
)
def test_check_transition_returns_a_matching_rule_or_one_error(current, target, role, reason, held):
    # held_from only matters on hold: elsewhere the answer must not depend on it.
    expected = _expected(current, held, target)
    try:
        rule = check_transition(
            current=current,
            target=target,
            role=role,
            reason=reason,
            held_from=held,
            facts=GUARDS_HOLD,
        )
    except TransitionNotAllowed:
        assert expected is None
    except NotPermitted:
        assert expected is not None
        assert role not in expected[0]
    except InvalidInput as exc:
        assert expected is not None
        assert role in expected[0]
        assert expected[1] and not reason.strip()
        assert [e.field for e in exc.errors] == ["reason"]
    else:
        assert expected is not None
        assert current in rule.sources
        assert role in rule.roles
        assert rule.leads_to(current=current, held_from=held) == target
        assert not (rule.reason_required and not reason.strip())


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    row=st.sampled_from(
        [(key, roles) for key, (roles, required) in TABLE.items() if set(Role) - roles]
    ),
    data=st.data(),
    reason=st.sampled_from(["", " ", "\t"]),
)
def test_disallowed_role_with_blank_reason_is_not_permitted_not_invalid(row, data, reason):
    (current, held, target), roles = row
    role = data.draw(st.sampled_from(sorted(set(Role) - roles)))
    with pytest.raises(NotPermitted):
        check_transition(current=current, target=target, role=role, reason=reason, held_from=held)


# --- travel → arrived: the check-in code, or HQ's override with a reason (issue 13) --------

NO_CODE = {"checked_in_with_code": False}
NO_CODE_REFUSAL = (
    "Arrival is recorded with the volunteer's check-in code (Check-in page); "
    "headquarters may record it without one, giving a reason."
)


@pytest.mark.parametrize("facts", [{}, NO_CODE])
def test_reception_records_an_arrival_only_with_the_check_in_code(facts):
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(
            current=S.TRAVEL, target=S.ARRIVED, role=RECEPTION, reason="x", facts=facts
        )
    assert excinfo.value.message == NO_CODE_REFUSAL
    rule = check_transition(
        current=S.TRAVEL, target=S.ARRIVED, role=RECEPTION, reason="", facts=GUARDS_HOLD
    )
    assert (rule.override, rule.reason_required) == (False, False)


def test_hq_without_the_code_needs_a_reason_and_it_is_an_override():
    with pytest.raises(InvalidInput) as excinfo:
        check_transition(current=S.TRAVEL, target=S.ARRIVED, role=HQ, reason=" ", facts=NO_CODE)
    assert [e.field for e in excinfo.value.errors] == ["reason"]

    rule = check_transition(
        current=S.TRAVEL, target=S.ARRIVED, role=HQ, reason="Code lost.", facts=NO_CODE
    )
    assert (rule.override, rule.reason_required) == (True, True)
    with_code = check_transition(
        current=S.TRAVEL, target=S.ARRIVED, role=HQ, reason="", facts=GUARDS_HOLD
    )
    assert with_code.override is False


def test_an_override_row_puts_no_stage_in_hqs_flow():
    from enlist.cases.need_to_know import hq_only_stages

    assert hq_only_stages() == {S.ARRIVED}


# --- the consul and missed interviews (issue 13) --------------------------------------------


def test_consul_puts_an_interview_case_on_hold_only_after_missed_interviews():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(
            current=S.INTERVIEW,
            target=S.ON_HOLD,
            role=CONSUL,
            reason="Two missed interviews",
            facts={"interview_no_show_limit_reached": False},
        )
    assert excinfo.value.message == (
        "A consul puts a case on hold only when the applicant missed two interviews."
    )
    for stage in set(DESIGN_HOLDABLE) - {S.INTERVIEW}:
        with pytest.raises(NotPermitted):
            check_transition(
                current=stage, target=S.ON_HOLD, role=CONSUL, reason="x", facts=GUARDS_HOLD
            )
