"""Need-to-know: when opening a case is outside a user's normal flow and needs a reason first.

No Django. Derived from the workflow table, so a new move changes the answer by itself:

- HQ is in its flow when the case's current stage offers a move that only HQ may make
  (today: arrived → enlisted). Anything else HQ opens (a case a mission is working on, a
  closed case) is outside its flow: HQ must say why first.
- Auditors read no case as part of a flow: every case an auditor opens needs a reason.
- Mission staff and reception are bounded by their scope (``cases/access.py``) instead.
"""

from __future__ import annotations

from enlist.accounts.roles import Role
from enlist.cases.workflow import TRANSITIONS, Stage

REASON_MIN_LENGTH = 10


def hq_only_stages() -> frozenset[Stage]:
    """Stages from which some move is HQ's alone (HQ has a pending action there)."""
    stages: set[Stage] = set()
    for rule in TRANSITIONS:
        if rule.roles == frozenset({Role.HQ}) and not rule.override:  # an exception is no flow
            stages |= rule.sources
    return frozenset(stages)


HQ_FLOW_STAGES = hq_only_stages()


def reason_required(*, role: Role | str, stage: str) -> bool:
    """Whether `role` must give a reason before opening a case now in `stage`."""
    if role == Role.AUDITOR:
        return True
    if role == Role.HQ:
        return stage not in HQ_FLOW_STAGES
    return False
