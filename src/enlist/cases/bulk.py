"""Bulk actions on the case list: move many cases, hold them, send them to scheduling.

One transaction per case, never all-or-nothing: in a surge a clerk selects forty cases and
expects the thirty-eight the workflow allows to move, and to be told exactly why the other two
did not. Each case goes through the same door as a single move: ``access_application`` (a case
outside the actor's scope is "not found", as everywhere), then ``application_transition``
(the workflow table, the row lock, the history entry and its audit entry, in that case's own
transaction). The ids are an explicit list, validated first (1–500, none repeated, each a
case id): a malformed list moves nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from enlist.accounts.models import StaffUser
from enlist.cases.access import access_application
from enlist.cases.services import application_transition
from enlist.cases.workflow import Stage
from enlist.errors import EnlistError, FieldError, InvalidInput, NotFound

BULK_MAX = 500  # cases in one bulk action: a page of the list is well under it


class BulkAction:
    """What the list's form offers; each is a move to a stage."""

    MOVE = "move"  # to the stage chosen
    HOLD = "hold"  # to on_hold (a reason is required by the workflow)
    SCHEDULE = "schedule"  # to interview: the scheduler books cases waiting there

    TARGETS = {HOLD: Stage.ON_HOLD, SCHEDULE: Stage.INTERVIEW}


@dataclass(frozen=True)
class BulkOutcome:
    application_id: str
    reference: str  # "" when the case is not found (nothing about it is shown)
    moved: bool
    message: str  # the refusal, as the single move would give it


def case_ids_read(values: Any) -> list[uuid.UUID]:
    """The case ids of a bulk action (the list's form, a bulk transfer, units confirmed), in
    their order: 1 to ``BULK_MAX`` of them, each a case id, none repeated.

    InvalidInput naming ``ids`` for a list that is empty, too long or not a list, and
    ``ids[N]`` for each element that is not a case id or repeats one: a malformed list acts
    on nothing.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
        raise InvalidInput([FieldError("ids", "Give a non-empty list of case ids.")])
    if len(values) > BULK_MAX:
        raise InvalidInput([FieldError("ids", f"At most {BULK_MAX} cases at once.")])
    errors, ids = [], []
    for position, value in enumerate(values):
        try:
            key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        except ValueError:
            errors.append(FieldError(f"ids[{position}]", "Not a case id."))
            continue
        if key in ids:
            errors.append(FieldError(f"ids[{position}]", "Listed twice."))
        else:
            ids.append(key)
    if errors:
        raise InvalidInput(errors)
    return ids


def bulk_target(action: str, to: str) -> Stage:
    """The stage an action moves to; InvalidInput naming ``action`` or ``to``."""
    if action in BulkAction.TARGETS:
        return BulkAction.TARGETS[action]
    if action != BulkAction.MOVE:
        raise InvalidInput([FieldError("action", "Choose move, hold or send to scheduling.")])
    try:
        return Stage(to)
    except ValueError:
        raise InvalidInput([FieldError("to", "Choose the stage to move the cases to.")]) from None


def applications_bulk_transition(
    *, actor: StaffUser, ids: Sequence[uuid.UUID], to: Stage, reason: str = ""
) -> list[BulkOutcome]:
    """Move each case to `to` in its own transaction; one outcome per id, in the given order.

    A refusal (not in scope, not allowed from its stage, the role, a missing reason, a guard)
    leaves that case untouched and is reported with the message the single move would give.
    """
    outcomes = []
    for application_id in ids:
        try:
            with transaction.atomic():
                application = access_application(
                    user=actor, application_id=application_id, for_update=True
                )
                reference = "" if application.is_erased else application.reference
                application_transition(application=application, to=to, actor=actor, reason=reason)
        except NotFound:
            outcomes.append(BulkOutcome(str(application_id), "", False, "Not found."))
        except EnlistError as exc:
            outcomes.append(BulkOutcome(str(application_id), reference, False, exc.messages))
        else:
            outcomes.append(BulkOutcome(str(application_id), reference, True, ""))
    return outcomes
