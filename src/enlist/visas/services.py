"""Writes on visas: the record of a case, its checklist ticks, and the checklists themselves.

Who may do what (the consul settles the visa): the consul of the case's mission and
HQ edit a visa; the mission's clerk and attaché read it (`VISA_READ_ROLES`); reception never
sees it. Scope (which cases) is `cases.access`; callers pass a case they reached through it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Application
from enlist.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from enlist.missions.models import Mission
from enlist.visas.models import ChecklistItem, ChecklistMark, Visa, VisaStatus, VisaType
from enlist.visas.selectors import checklist_items

VISA_EDIT_ROLES = frozenset({Role.CONSUL, Role.HQ})
VISA_READ_ROLES = frozenset({Role.CLERK, Role.ATTACHE, Role.CONSUL, Role.HQ})
NUMBER_MAX_LENGTH = 40
NOTES_MAX_LENGTH = 2000
LABEL_MAX_LENGTH = 200

# The fields a visa update compares to say which changed (names only reach the audit trail).
VISA_FIELDS = ("visa_type", "status", "applied_on", "number", "valid_from", "valid_until",
               "consular_notes")  # fmt: skip


def visa_check_read(actor: StaffUser) -> None:
    if actor.staff_role not in VISA_READ_ROLES:
        raise NotPermitted("This role does not see visas.")


def _check_edit(actor: StaffUser) -> None:
    if actor.staff_role not in VISA_EDIT_ROLES:
        raise NotPermitted("Only the consul or HQ record a visa.")


def _validate(
    *,
    visa_type: str,
    status: str,
    number: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    consular_notes: str,
) -> list[FieldError]:
    errors = []
    if status not in VisaStatus.values:
        errors.append(FieldError("status", f"Choose one of: {', '.join(VisaStatus.values)}."))
    if visa_type and visa_type not in VisaType.values:
        errors.append(FieldError("visa_type", f"Choose one of: {', '.join(VisaType.values)}."))
    if not visa_type and status not in ("", VisaStatus.NOT_NEEDED) and status in VisaStatus.values:
        errors.append(FieldError("visa_type", "Choose the type of visa."))
    if len(number) > NUMBER_MAX_LENGTH:
        errors.append(FieldError("number", f"At most {NUMBER_MAX_LENGTH} characters."))
    if len(consular_notes) > NOTES_MAX_LENGTH:
        errors.append(FieldError("consular_notes", f"At most {NOTES_MAX_LENGTH} characters."))
    if valid_from and valid_until and valid_until < valid_from:
        errors.append(FieldError("valid_until", "The visa cannot end before it starts."))
    if status == VisaStatus.ISSUED:
        if not number.strip():
            errors.append(FieldError("number", "An issued visa has a number."))
        if valid_until is None:
            errors.append(FieldError("valid_until", "An issued visa has a validity end date."))
    return errors


@transaction.atomic
def visa_update(
    *,
    application: Application,
    actor: StaffUser,
    status: str,
    visa_type: str = "",
    applied_on: datetime.date | None = None,
    number: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    consular_notes: str = "",
    checked: list[int] | None = None,
) -> Visa:
    """Record the case's visa as a whole (create or replace) and which documents are checked.

    `checked`: ids of checklist items of the visa type at the case's mission; None keeps the
    ticks as they are. Raises NotPermitted (403), InvalidInput (422, every bad field at once)
    or Conflict (409) for a closed or erased case. Audited with the names of changed fields.
    """
    _check_edit(actor)
    locked = Application.objects.select_for_update().only("stage").get(pk=application.pk)
    if application.is_erased or not locked.is_open:
        raise Conflict("The visa of a closed case cannot change.", field="status")
    number, consular_notes = number.strip(), consular_notes.strip()
    errors = _validate(
        visa_type=visa_type,
        status=status,
        number=number,
        valid_from=valid_from,
        valid_until=valid_until,
        consular_notes=consular_notes,
    )
    allowed = set()
    if visa_type in VisaType.values:
        allowed = set(
            checklist_items(mission=application.mission, visa_type=visa_type).values_list(
                "pk", flat=True
            )
        )
    if checked is not None and not set(checked) <= allowed:
        errors.append(FieldError("checked", "Tick only documents on this visa type's checklist."))
    if errors:
        raise InvalidInput(errors)

    visa = Visa.objects.filter(application=application).first()
    created = visa is None
    if visa is None:
        visa = Visa(application=application)
    new = {
        "visa_type": visa_type,
        "status": status,
        "applied_on": applied_on,
        "number": number or None,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "consular_notes": consular_notes or None,
    }
    changed = [name for name in VISA_FIELDS if created or getattr(visa, name) != new[name]]
    for name, value in new.items():
        setattr(visa, name, value)
    visa.updated_at, visa.updated_by = timezone.now(), actor
    visa.save()

    if checked is not None:
        wanted = set(checked)
        have = set(visa.marks.values_list("item_id", flat=True))
        visa.marks.exclude(item_id__in=wanted).delete()
        ChecklistMark.objects.bulk_create(
            ChecklistMark(visa=visa, item_id=i, checked_by=actor) for i in sorted(wanted - have)
        )
        if wanted != have:
            changed.append("checklist")
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        target=application,
        detail={"change": "visa_update", "status": status, "fields": changed},
    )
    return visa


@transaction.atomic
def checklist_item_add(
    *, actor: StaffUser, visa_type: str, label: str, hq_wide: bool = False
) -> ChecklistItem:
    """Add a required document for a visa type: the consul for their mission, HQ for all."""
    _check_edit(actor)
    label = label.strip()
    errors = []
    if visa_type not in VisaType.values:
        errors.append(FieldError("visa_type", f"Choose one of: {', '.join(VisaType.values)}."))
    if not label:
        errors.append(FieldError("label", "Name the document."))
    elif len(label) > LABEL_MAX_LENGTH:
        errors.append(FieldError("label", f"At most {LABEL_MAX_LENGTH} characters."))
    if errors:
        raise InvalidInput(errors)
    mission: Mission | None = None
    if actor.staff_role == Role.CONSUL:
        if hq_wide:
            raise NotPermitted("Only HQ sets the checklist of every mission.")
        mission = actor.mission
    last = checklist_items(mission=mission, visa_type=visa_type, include_hq=False).last()
    item = ChecklistItem.objects.create(
        visa_type=visa_type,
        mission=mission,
        label=label,
        position=(last.position + 1) if last else 0,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=("checklist_item", str(item.pk)),
        detail={"change": "checklist_item_add", "mission": mission.code if mission else None},
    )
    return item


@transaction.atomic
def checklist_item_retire(*, actor: StaffUser, item_id: int) -> ChecklistItem:
    """Take a document off the checklist (ticks already recorded stay in the history)."""
    _check_edit(actor)
    item = ChecklistItem.objects.select_for_update().filter(pk=item_id, is_active=True).first()
    if item is None or not (
        actor.staff_role == Role.HQ or (item.mission_id and item.mission_id == actor.mission_id)
    ):
        raise NotFound()
    item.is_active = False
    item.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=("checklist_item", str(item.pk)),
        detail={"change": "checklist_item_retire"},
    )
    return item
