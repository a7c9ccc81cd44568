"""HQ moves a case to another mission: the case follows the volunteer.

``application_transfer`` is the one implementation behind the case page's action, the API
(``POST /api/v1/applications/{id}/transfer``) and the bulk form of both
(``applications_transfer``: an explicit, validated list of ids, all or nothing). Guarantees:

- only HQ transfers (NotPermitted, 403), with a reason (InvalidInput on "reason", 422), to an
  active mission other than the case's (InvalidInput on "to_mission", 422); a closed or erased
  case stays where it is (Conflict, 409); on refusal nothing is written;
- the case row is locked and its mission changed in one transaction with a ``Transfer`` row
  (from, to, who, when, the reason sealed with the volunteer's key), its audit entry and the
  handlers other apps registered (``cases/hooks.py: register_transfer_handler``: the interviews
  app cancels a booked interview at the old mission, METHOD:CANCEL after commit);
- nothing else about the case changes: its stage, history, documents, verdicts, visa record and
  duplicate links stay whole. From the commit on, ``cases/access.py`` scopes it to the new
  mission: the old mission's staff get 404, the new mission's see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.bulk import case_ids_read
from enlist.cases.hooks import transferred
from enlist.cases.models import Application, Transfer
from enlist.core.bounds import reason_length_check
from enlist.errors import Conflict, FieldError, InvalidInput, NotPermitted
from enlist.missions.models import Mission


def _require_hq(actor: StaffUser) -> None:
    if not actor.is_active or actor.staff_role != Role.HQ:
        raise NotPermitted("Only headquarters transfers a case to another mission.")


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput([FieldError("reason", "Give the reason for the transfer.")])
    reason_length_check(reason)
    return reason


def _mission(to_mission: Mission | str) -> Mission:
    if isinstance(to_mission, Mission):
        return to_mission
    mission = Mission.objects.filter(code=str(to_mission or ""), is_active=True).first()
    if mission is None:
        raise InvalidInput([FieldError("to_mission", "Choose an active mission by its code.")])
    return mission


def _move(*, application: Application, to: Mission, actor: StaffUser, reason: str) -> Transfer:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("mission")
        .get(pk=application.pk)
    )
    if locked.is_erased:
        raise Conflict("This case was erased: it stays where it is.", field="to_mission")
    if not locked.is_open:
        raise Conflict(f"This case is {locked.stage}: a closed case is not transferred.")
    if locked.mission_id == to.pk:
        raise InvalidInput([FieldError("to_mission", f"The case is already at {to.code}.")])
    source = locked.mission
    locked.mission = to
    locked.save(update_fields=["mission"])
    record = Transfer(
        application=locked,
        from_mission=source,
        to_mission=to,
        actor=actor,
        reason=reason,
        at=timezone.now(),
    )
    record.save()
    transferred(locked, record, actor)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=locked,
        detail={
            "change": "transfer",
            "transfer": str(record.pk),
            "from_mission": source.code,
            "to_mission": to.code,
            "reason_given": True,
        },
    )
    application.mission, application.mission_id = to, to.pk
    return record


@transaction.atomic
def application_transfer(
    *, application: Application, to_mission: Mission | str, actor: StaffUser, reason: str
) -> Transfer:
    """Move `application` to `to_mission` (a Mission or its code). See the module docstring."""
    _require_hq(actor)
    reason = _clean_reason(reason)
    mission = _mission(to_mission)
    return _move(application=application, to=mission, actor=actor, reason=reason)


@transaction.atomic
def applications_transfer(
    *, ids: Sequence[str], to_mission: Mission | str, actor: StaffUser, reason: str
) -> list[Transfer]:
    """Transfer every listed case, all or nothing: the list is explicit (never "all waiting"),
    each id must name an existing case, none listed twice; one refusal refuses the whole list
    (its error names the id's position, ``ids[3]``)."""
    _require_hq(actor)
    reason = _clean_reason(reason)
    mission = _mission(to_mission)
    keys = case_ids_read(ids)
    found = {a.pk: a for a in Application.objects.filter(pk__in=keys)}
    missing = [
        FieldError(f"ids[{i}]", "No such case.") for i, k in enumerate(keys) if k not in found
    ]
    if missing:
        raise InvalidInput(missing)
    transfers = []
    for index, key in enumerate(keys):
        try:
            transfers.append(_move(application=found[key], to=mission, actor=actor, reason=reason))
        except (Conflict, InvalidInput) as exc:
            raise InvalidInput([FieldError(f"ids[{index}]", exc.messages)]) from None
    return transfers
