"""The workflow of an application: stages, the transitions between them, who may make each,
and the guards that must hold. This table is the only place these rules live. No Django.

    submitted → screening → interview → visa → travel → arrived → enlisted
    any open stage → withdrawn | on_hold (and back to where it was held)
    screening → referred          (no military experience: humanitarian volunteering)
    screening | interview → rejected

``check_transition`` decides in a fixed order, so callers get stable answers:
not in the table → TransitionNotAllowed (409); role not allowed → NotPermitted (403);
reason missing → InvalidInput on "reason" (422); a guard fails → TransitionNotAllowed (409).

A move may have more than one row: one per way of making it (travel → arrived through a used
check-in code, or by HQ with a reason as an override). The rows the role may use are tried in
table order and the first that holds applies; when none holds, the answer is the missing
reason (422) if some row lacked only that, else the first row's failed guard (409). A row
marked ``override`` is recorded as one (the audit entry says so).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from enlist.accounts.roles import Role
from enlist.core.bounds import REASON_MAX_LENGTH, reason_length_check
from enlist.errors import FieldError, InvalidInput, NotPermitted, TransitionNotAllowed

__all__ = ["REASON_MAX_LENGTH"]  # one length for every reason (core/bounds.py)


def _(text: str) -> str:
    """Marks a label for the translation catalog (makemessages); pages translate it on display."""
    return text


class Stage(StrEnum):
    SUBMITTED = "submitted"
    SCREENING = "screening"
    INTERVIEW = "interview"
    VISA = "visa"
    TRAVEL = "travel"
    ARRIVED = "arrived"
    ENLISTED = "enlisted"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"
    REJECTED = "rejected"


PIPELINE = (
    Stage.SUBMITTED,
    Stage.SCREENING,
    Stage.INTERVIEW,
    Stage.VISA,
    Stage.TRAVEL,
    Stage.ARRIVED,
    Stage.ENLISTED,
)
STAGE_LABELS = {
    Stage.SUBMITTED: _("Submitted"),
    Stage.SCREENING: _("Screening"),
    Stage.INTERVIEW: _("Interview"),
    Stage.VISA: _("Visa"),
    Stage.TRAVEL: _("Travel"),
    Stage.ARRIVED: _("Arrived"),
    Stage.ENLISTED: _("Enlisted"),
    Stage.ON_HOLD: _("On hold"),
    Stage.WITHDRAWN: _("Withdrawn"),
    Stage.REFERRED: _("Referred to humanitarian volunteering"),
    Stage.REJECTED: _("Rejected"),
}
FINAL_STAGES = frozenset({Stage.ENLISTED, Stage.WITHDRAWN, Stage.REFERRED, Stage.REJECTED})
OPEN_STAGES = frozenset(Stage) - FINAL_STAGES
# Stages an application can be put on hold from, and so resume to.
HOLDABLE_STAGES = OPEN_STAGES - {Stage.ON_HOLD}

# A guard reads facts the service gathers about the case and returns why it fails, or None.
Guard = Callable[[Mapping[str, Any]], str | None]


def visa_settled(facts: Mapping[str, Any]) -> str | None:
    """visa → travel: the visa is not needed, or issued and still valid today (visas app)."""
    status = facts.get("visa_status")
    if status == "not_needed":
        return None
    if status is None:
        return "No visa is recorded for this case: record it as issued or not needed first."
    if status != "issued":
        return f"The visa is '{status}': it must be issued, or recorded as not needed, first."
    until, today = facts.get("visa_valid_until"), facts.get("visa_today")
    if not isinstance(until, datetime.date) or not isinstance(today, datetime.date):
        return "The issued visa has no validity end date: record how long it is valid."
    if until < today:
        return f"The visa expired on {until.isoformat()}: record a valid visa first."
    return None


def unit_chosen(facts: Mapping[str, Any]) -> str | None:
    """arrived → enlisted: HQ has assigned the volunteer to a unit (logistics app)."""
    if not facts.get("unit_assigned"):
        return "No unit is assigned to this volunteer: assign a unit before enlisting."
    return None


def consent_confirmed(facts: Mapping[str, Any]) -> str | None:
    """screening → interview: the volunteer's consent is confirmed (a mail draft or an imported
    row carries consent "to be confirmed" until first contact or the completed form).

    Fact ``consent_confirmed`` (from ``cases``, the application's own row). Missing: refused.
    """
    if facts.get("consent_confirmed") is not True:
        return (
            "The volunteer's consent is still to be confirmed: record it at first contact "
            "before the case moves past screening."
        )
    return None


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Stage]
    target: Stage | None  # None: back to the stage the case was held from
    roles: frozenset[Role]
    reason_required: bool = False
    guards: tuple[Guard, ...] = field(default=())
    label: str = ""
    # An exception to the regular way of making this move (needs a reason; audited as such).
    override: bool = False
    # False: made on a page of its own (check-in with the code), not offered on the case page.
    on_case_page: bool = True

    def leads_to(self, *, current: Stage, held_from: Stage | None) -> Stage | None:
        if current not in self.sources:
            return None
        return self.target if self.target is not None else held_from


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


def both_panel_members_recommend(facts: Mapping[str, Any]) -> str | None:
    """interview → visa: the latest verdicts of the attaché and of the consul both recommend.

    Fact ``interview_verdicts`` (from ``interviews``): {"attache": bool | None, "consul": ...},
    None where that member has recorded no verdict. Missing fact: refused.
    """
    verdicts = facts.get("interview_verdicts")
    if not isinstance(verdicts, Mapping):
        return "The interview verdicts are not known."
    missing = [role for role in ("attache", "consul") if verdicts.get(role) is None]
    if missing:
        return "Both the attaché and the consul must record their verdict first."
    if not (verdicts["attache"] is True and verdicts["consul"] is True):
        return "Both the attaché and the consul must recommend the applicant."
    return None


def checked_in_with_code(facts: Mapping[str, Any]) -> str | None:
    """travel → arrived: reception (or HQ) used the volunteer's check-in code (travel app).

    Fact ``checked_in_with_code`` (from ``travel``): the case's current packet's code was
    just used up by ``checkin_confirm``. Missing fact: refused.
    """
    if facts.get("checked_in_with_code") is not True:
        return (
            "Arrival is recorded with the volunteer's check-in code (Check-in page); "
            "headquarters may record it without one, giving a reason."
        )
    return None


def interviews_missed(facts: Mapping[str, Any]) -> str | None:
    """interview → on hold by the consul: only as the consequence of missed interviews.

    Fact ``interview_no_show_limit_reached`` (from ``interviews``). Missing fact: refused.
    """
    if facts.get("interview_no_show_limit_reached") is not True:
        return "A consul puts a case on hold only when the applicant missed two interviews."
    return None


TRANSITIONS: tuple[Rule, ...] = (
    Rule(frozenset({Stage.SUBMITTED}), Stage.SCREENING, _roles(Role.CLERK, Role.HQ),
         label=_("Start screening")),
    Rule(frozenset({Stage.SCREENING}), Stage.INTERVIEW, _roles(Role.CLERK, Role.ATTACHE, Role.HQ),
         guards=(consent_confirmed,), label=_("Send to interview")),
    Rule(frozenset({Stage.SCREENING}), Stage.REFERRED, _roles(Role.CLERK, Role.ATTACHE, Role.HQ),
         reason_required=True, label=_("Refer to humanitarian volunteering")),
    Rule(frozenset({Stage.SCREENING, Stage.INTERVIEW}), Stage.REJECTED,
         _roles(Role.ATTACHE, Role.HQ), reason_required=True, label=_("Reject")),
    Rule(frozenset({Stage.INTERVIEW}), Stage.VISA, _roles(Role.ATTACHE, Role.CONSUL),
         guards=(both_panel_members_recommend,), label=_("Interview passed: settle the visa")),
    Rule(frozenset({Stage.VISA}), Stage.TRAVEL, _roles(Role.CONSUL), guards=(visa_settled,),
         label=_("Visa settled: send travel instructions")),
    Rule(frozenset({Stage.TRAVEL}), Stage.ARRIVED, _roles(Role.RECEPTION, Role.HQ),
         guards=(checked_in_with_code,), on_case_page=False,
         label=_("Checked in at the meeting point")),
    Rule(frozenset({Stage.TRAVEL}), Stage.ARRIVED, _roles(Role.HQ), reason_required=True,
         override=True, label=_("Record the arrival without a check-in code")),
    Rule(frozenset({Stage.ARRIVED}), Stage.ENLISTED, _roles(Role.HQ), guards=(unit_chosen,),
         label=_("Enlist")),
    Rule(OPEN_STAGES, Stage.WITHDRAWN, _roles(Role.CLERK, Role.HQ), reason_required=True,
         label=_("Withdraw")),
    Rule(HOLDABLE_STAGES, Stage.ON_HOLD, _roles(Role.ATTACHE, Role.HQ), reason_required=True,
         label=_("Put on hold")),
    Rule(frozenset({Stage.INTERVIEW}), Stage.ON_HOLD, _roles(Role.CONSUL), reason_required=True,
         guards=(interviews_missed,), label=_("Put on hold after missed interviews")),
    Rule(frozenset({Stage.ON_HOLD}), None, _roles(Role.ATTACHE, Role.HQ), reason_required=True,
         label=_("Resume")),
)  # fmt: skip


def find_rules(*, current: Stage, target: Stage, held_from: Stage | None = None) -> list[Rule]:
    """Every row that leads from `current` to `target`, in table order."""
    return [
        rule
        for rule in TRANSITIONS
        if rule.leads_to(current=current, held_from=held_from) == target
    ]


def find_rule(*, current: Stage, target: Stage, held_from: Stage | None = None) -> Rule | None:
    """The first row leading from `current` to `target` (the regular way of making it)."""
    rules = find_rules(current=current, target=target, held_from=held_from)
    return rules[0] if rules else None


def roles_for(*, current: Stage, target: Stage, held_from: Stage | None = None) -> frozenset[Role]:
    """Every role that may make current → target by some row."""
    roles: frozenset[Role] = frozenset()
    for rule in find_rules(current=current, target=target, held_from=held_from):
        roles |= rule.roles
    return roles


def available_transitions(
    *, current: Stage, role: Role, held_from: Stage | None = None
) -> list[tuple[Stage, Rule]]:
    """The moves the case page offers `role` from `current`, in table order (guards not yet
    applied; rows made on a page of their own left out; one per target)."""
    moves: list[tuple[Stage, Rule]] = []
    for rule in TRANSITIONS:
        target = rule.leads_to(current=current, held_from=held_from)
        if target is None or role not in rule.roles or not rule.on_case_page:
            continue
        if all(target != offered for offered, _rule in moves):
            moves.append((target, rule))
    return moves


def check_transition(
    *,
    current: Stage,
    target: Stage,
    role: Role,
    reason: str,
    held_from: Stage | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Rule:
    """Return the rule that allows current → target for role, or raise why it is refused
    (the order is the module docstring's)."""
    rules = find_rules(current=current, target=target, held_from=held_from)
    if not rules:
        raise TransitionNotAllowed(
            f"An application in stage '{current}' cannot move to '{target}'.", field="to"
        )
    mine = [rule for rule in rules if role in rule.roles]
    if not mine:
        raise NotPermitted(f"The role '{role}' may not move an application to '{target}'.")
    reason_length_check(reason)
    reason_missing = False
    first_failure: str | None = None
    for rule in mine:
        if rule.reason_required and not reason.strip():
            reason_missing = True
            continue
        failure = next(
            (f for guard in rule.guards if (f := guard(facts if facts is not None else {}))),
            None,
        )
        if failure is None:
            return rule
        first_failure = first_failure or failure
    if reason_missing:
        raise InvalidInput([FieldError("reason", f"A reason is required to move to '{target}'.")])
    assert first_failure is not None  # nosec B101  # every row failed: a guard said why
    raise TransitionNotAllowed(first_failure, field="to")
