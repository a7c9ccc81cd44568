"""Reads of the audit trail for the auditor pages (``workspace/audit_views.py``): filtered
entries, newest first."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from enlist.audit.models import AuditAction, AuditEntry
from enlist.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class EntryFilters:
    since: str | None = None  # "YYYY-MM-DD" (from the start of that day, UTC) or a datetime
    until: str | None = None  # "YYYY-MM-DD" (to the end of that day, UTC) or a datetime
    action: str | None = None
    actor: str | None = None  # a staff username, or the name a failed sign-in tried
    case: uuid.UUID | None = None


def _moment(text: str, *, field: str, end_of_day: bool) -> datetime.datetime:
    try:
        if len(text) == 10:
            day = datetime.date.fromisoformat(text)
            moment = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
            return moment + datetime.timedelta(days=1) if end_of_day else moment
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput([FieldError(field, "Enter a date as YYYY-MM-DD.")]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def audit_entries(*, filters: EntryFilters) -> QuerySet[AuditEntry]:
    """Entries matching every filter, newest first. InvalidInput names each bad filter."""
    errors = []
    entries = AuditEntry.objects.all()
    # since: from the start of its day; until: to the end of its day.
    for field, text, end_of_day, lookup in (
        ("since", filters.since, False, "at__gte"),
        ("until", filters.until, True, "at__lt"),
    ):
        if not text:
            continue
        try:
            entries = entries.filter(**{lookup: _moment(text, field=field, end_of_day=end_of_day)})
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if filters.action:
        if filters.action not in AuditAction.values:
            errors.append(FieldError("action", "Unknown action."))
        entries = entries.filter(action=filters.action)
    if filters.actor:
        entries = entries.filter(actor_username=filters.actor)
    if filters.case is not None:
        # audit_subject_case index: every entry that names the case, as target or in a list
        entries = entries.filter(subjects__application_id=filters.case)
    if errors:
        raise InvalidInput(errors)
    return entries.order_by("-sequence")
