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

from django.db import transaction

from enlist.accounts.models import StaffUser
from enlist.cases.access import access_application
from enlist.cases.services import application_transition
from enlist.cases.workflow import Stage
from enlist.errors import EnlistError, FieldError, InvalidInput, NotFound

BULK_MAX = 500


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


def bulk_ids(values: Sequence[str]) -> list[uuid.UUID]:
    """The selected case ids; InvalidInput naming ``ids`` (or ``ids[N]``) otherwise."""
    values = [value for value in values if value]
    if not values:
        raise InvalidInput([FieldError("ids", "Select at least one case.")])
    if len(values) > BULK_MAX:
        raise InvalidInput([FieldError("ids", f"Select at most {BULK_MAX} cases at a time.")])
    ids: list[uuid.UUID] = []
    for position, value in enumerate(values):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            raise InvalidInput([FieldError(f"ids[{position}]", "Not a case id.")]) from None
    if len(set(ids)) != len(ids):
        raise InvalidInput([FieldError("ids", "A case is selected twice.")])
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
