"""The workflow's guards and pinned values (pure engine).

``test_workflow.py`` checks the table's shape against DESIGN.md; this file pins what it does not:
the visa and unit guards on their own and through ``check_transition``, the exact refusal
messages, the stored stage values (they are in the database and in the API) and the label of
each existing row. Values are written out here, never read back from the module.
"""

from __future__ import annotations

import datetime

import pytest

from enlist.accounts.roles import Role
from enlist.cases import workflow
from enlist.cases.workflow import (
    REASON_MAX_LENGTH,
    STAGE_LABELS,
    Rule,
    Stage,
    check_transition,
    find_rule,
    roles_for,
    unit_chosen,
    visa_settled,
)
from enlist.errors import InvalidInput, NotPermitted, TransitionNotAllowed

S = Stage
TODAY = datetime.date(2026, 5, 12)
NO_VISA = "No visa is recorded for this case: record it as issued or not needed first."
NO_END = "The issued visa has no validity end date: record how long it is valid."
NO_UNIT = "No unit is assigned to this volunteer: assign a unit before enlisting."
NO_CONSENT = (
    "The volunteer's consent is still to be confirmed: record it at first contact before the "
    "case moves past screening."
)


def test_stage_values_are_the_stored_strings():
    assert {stage.name: stage.value for stage in Stage} == {
        "SUBMITTED": "submitted",
        "SCREENING": "screening",
        "INTERVIEW": "interview",
        "VISA": "visa",
        "TRAVEL": "travel",
        "ARRIVED": "arrived",
        "ENLISTED": "enlisted",
        "ON_HOLD": "on_hold",
        "WITHDRAWN": "withdrawn",
        "REFERRED": "referred",
        "REJECTED": "rejected",
    }


def test_stage_labels_are_pinned():
    assert STAGE_LABELS == {
        S.SUBMITTED: "Submitted",
        S.SCREENING: "Screening",
        S.INTERVIEW: "Interview",
        S.VISA: "Visa",
        S.TRAVEL: "Travel",
        S.ARRIVED: "Arrived",
        S.ENLISTED: "Enlisted",
        S.ON_HOLD: "On hold",
        S.WITHDRAWN: "Withdrawn",
        S.REFERRED: "Referred to humanitarian volunteering",
        S.REJECTED: "Rejected",
    }


@pytest.mark.parametrize(
    ("current", "held_from", "target", "label"),
    [
        (S.SUBMITTED, None, S.SCREENING, "Start screening"),
        (S.SCREENING, None, S.INTERVIEW, "Send to interview"),
        (S.SCREENING, None, S.REFERRED, "Refer to humanitarian volunteering"),
        (S.SCREENING, None, S.REJECTED, "Reject"),
        (S.INTERVIEW, None, S.REJECTED, "Reject"),
        (S.INTERVIEW, None, S.VISA, "Interview passed: settle the visa"),
        (S.VISA, None, S.TRAVEL, "Visa settled: send travel instructions"),
        (S.TRAVEL, None, S.ARRIVED, "Checked in at the meeting point"),
        (S.ARRIVED, None, S.ENLISTED, "Enlist"),
        (S.VISA, None, S.WITHDRAWN, "Withdraw"),
        (S.ON_HOLD, S.VISA, S.WITHDRAWN, "Withdraw"),
        (S.ARRIVED, None, S.ON_HOLD, "Put on hold"),
        (S.ON_HOLD, S.INTERVIEW, S.INTERVIEW, "Resume"),
    ],
)
def test_each_existing_row_has_its_label(current, held_from, target, label):
    rule = find_rule(current=current, target=target, held_from=held_from)
    assert rule is not None
    assert rule.label == label


def test_find_rule_returns_none_for_a_move_not_in_the_table():
    assert find_rule(current=S.SUBMITTED, target=S.ENLISTED) is None
    assert find_rule(current=S.ON_HOLD, target=S.VISA, held_from=None) is None


@pytest.mark.parametrize(
    ("current", "target", "held_from", "roles"),
    [
        # Two rows: the check-in with the code (reception, HQ) and HQ's override.
        (S.TRAVEL, S.ARRIVED, None, {Role.RECEPTION, Role.HQ}),
        # Two rows: any hold (attaché, HQ) and the consul's after missed interviews.
        (S.INTERVIEW, S.ON_HOLD, None, {Role.ATTACHE, Role.HQ, Role.CONSUL}),
        (S.ON_HOLD, S.SCREENING, S.SCREENING, {Role.ATTACHE, Role.HQ}),
        (S.ON_HOLD, S.SCREENING, None, set()),
        (S.SUBMITTED, S.ENLISTED, None, set()),
    ],
)
def test_roles_for_gathers_the_roles_of_every_row_of_a_move(current, target, held_from, roles):
    assert roles_for(current=current, target=target, held_from=held_from) == frozenset(roles)


def test_a_row_lacking_only_its_reason_gives_way_to_a_later_row_that_holds(monkeypatch):
    # The module docstring: a move's rows are tried in table order, the first that holds
    # applies. No row of today's table needs a reason ahead of one that does not, so the
    # order is pinned with a table of two such rows.
    with_reason = Rule(frozenset({S.INTERVIEW}), S.VISA, frozenset({Role.CONSUL}),
                       reason_required=True, label="With a reason")  # fmt: skip
    without = Rule(frozenset({S.INTERVIEW}), S.VISA, frozenset({Role.CONSUL}), label="Without")
    monkeypatch.setattr(workflow, "TRANSITIONS", (with_reason, without))
    move = {"current": S.INTERVIEW, "target": S.VISA, "role": Role.CONSUL}
    assert check_transition(**move, reason="").label == "Without"
    assert check_transition(**move, reason="Because.").label == "With a reason"


def test_unconfirmed_consent_is_refused_with_its_message():
    for facts in ({}, {"consent_confirmed": False}, {"consent_confirmed": "yes"}):
        with pytest.raises(TransitionNotAllowed) as excinfo:
            check_transition(
                current=S.SCREENING, target=S.INTERVIEW, role=Role.CLERK, reason="", facts=facts
            )
        assert (excinfo.value.message, excinfo.value.field) == (NO_CONSENT, "to")


# --- visa_settled: visa → travel -------------------------------------------------------------


def test_visa_not_needed_settles_without_dates():
    assert visa_settled({"visa_status": "not_needed"}) is None


def test_no_visa_recorded_is_refused():
    assert visa_settled({}) == NO_VISA
    assert visa_settled({"visa_status": None}) == NO_VISA


@pytest.mark.parametrize("status", ["applied", "refused", "pending", "Issued", ""])
def test_visa_that_is_not_issued_is_refused_naming_its_status(status):
    facts = {
        "visa_status": status,
        "visa_valid_until": TODAY + datetime.timedelta(days=30),
        "visa_today": TODAY,
    }
    assert visa_settled(facts) == (
        f"The visa is '{status}': it must be issued, or recorded as not needed, first."
    )


def test_issued_visa_valid_until_a_later_day_settles():
    facts = {
        "visa_status": "issued",
        "visa_valid_until": datetime.date(2026, 6, 1),
        "visa_today": TODAY,
    }
    assert visa_settled(facts) is None


def test_issued_visa_valid_until_today_still_settles():
    facts = {"visa_status": "issued", "visa_valid_until": TODAY, "visa_today": TODAY}
    assert visa_settled(facts) is None


def test_issued_visa_that_expired_yesterday_is_refused_with_the_date():
    facts = {
        "visa_status": "issued",
        "visa_valid_until": datetime.date(2026, 5, 11),
        "visa_today": TODAY,
    }
    assert visa_settled(facts) == "The visa expired on 2026-05-11: record a valid visa first."


@pytest.mark.parametrize(
    "dates",
    [
        {},
        {"visa_today": TODAY},
        {"visa_valid_until": TODAY},
        {"visa_valid_until": "2026-06-01", "visa_today": TODAY},
        {"visa_valid_until": TODAY, "visa_today": "2026-05-12"},
        {"visa_valid_until": None, "visa_today": TODAY},
    ],
)
def test_issued_visa_without_both_dates_is_refused(dates):
    assert visa_settled({"visa_status": "issued", **dates}) == NO_END


def _to_travel(facts):
    return check_transition(
        current=S.VISA, target=S.TRAVEL, role=Role.CONSUL, reason="", facts=facts
    )


def test_visa_guard_refuses_the_move_to_travel():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        _to_travel({"visa_status": "applied"})
    assert excinfo.value.status == 409
    assert excinfo.value.field == "to"
    assert excinfo.value.message == (
        "The visa is 'applied': it must be issued, or recorded as not needed, first."
    )


def test_visa_guard_without_facts_refuses_as_no_visa():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(current=S.VISA, target=S.TRAVEL, role=Role.CONSUL, reason="")
    assert excinfo.value.message == NO_VISA


def test_valid_visa_lets_the_consul_send_travel_instructions():
    rule = _to_travel({"visa_status": "issued", "visa_valid_until": TODAY, "visa_today": TODAY})
    assert rule.target == S.TRAVEL
    assert rule.label == "Visa settled: send travel instructions"


# --- unit_chosen: arrived → enlisted ---------------------------------------------------------


@pytest.mark.parametrize("assigned", [None, "", 0, False])
def test_no_unit_assigned_is_refused(assigned):
    assert unit_chosen({"unit_assigned": assigned}) == NO_UNIT


def test_missing_unit_fact_is_refused():
    assert unit_chosen({}) == NO_UNIT


def test_assigned_unit_is_chosen():
    assert unit_chosen({"unit_assigned": "pahonia"}) is None


def test_enlisting_without_a_unit_is_a_conflict():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(current=S.ARRIVED, target=S.ENLISTED, role=Role.HQ, reason="", facts={})
    assert excinfo.value.message == NO_UNIT
    assert excinfo.value.status == 409


def test_enlisting_with_a_unit_is_allowed():
    rule = check_transition(
        current=S.ARRIVED,
        target=S.ENLISTED,
        role=Role.HQ,
        reason="",
        facts={"unit_assigned": "pahonia"},
    )
    assert rule.target == S.ENLISTED


# --- refusal messages, in the documented order -----------------------------------------------


def test_move_not_in_table_names_both_stages():
    with pytest.raises(TransitionNotAllowed) as excinfo:
        check_transition(current=S.SUBMITTED, target=S.ENLISTED, role=Role.HQ, reason="x")
    assert excinfo.value.message == "An application in stage 'submitted' cannot move to 'enlisted'."
    assert excinfo.value.field == "to"


def test_wrong_role_names_role_and_target():
    with pytest.raises(NotPermitted) as excinfo:
        check_transition(current=S.SUBMITTED, target=S.SCREENING, role=Role.CONSUL, reason="")
    assert excinfo.value.message == "The role 'consul' may not move an application to 'screening'."
    assert excinfo.value.status == 403


def test_reason_limit_is_2000_characters_with_its_message():
    assert REASON_MAX_LENGTH == 2000
    with pytest.raises(InvalidInput) as excinfo:
        check_transition(
            current=S.SUBMITTED, target=S.SCREENING, role=Role.CLERK, reason="r" * 2001
        )
    [error] = excinfo.value.errors
    assert (error.field, error.message) == ("reason", "At most 2000 characters.")


def test_missing_reason_names_the_target():
    with pytest.raises(InvalidInput) as excinfo:
        check_transition(current=S.SCREENING, target=S.REJECTED, role=Role.HQ, reason="  ")
    [error] = excinfo.value.errors
    assert (error.field, error.message) == ("reason", "A reason is required to move to 'rejected'.")
