"""Reads for the auditor pages: filtered entries, and a case reference resolved to its id."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from enlist.audit.models import AuditAction, AuditEntry
from enlist.cases.identifiers import query_terms
from enlist.cases.models import LookupDigest
from enlist.errors import FieldError, InvalidInput
from enlist.vault.keyring import blind_indexer


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
    if filters.since:
        try:
            since = _moment(filters.since, field="since", end_of_day=False)
            entries = entries.filter(at__gte=since)
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if filters.until:
        try:
            until = _moment(filters.until, field="until", end_of_day=True)
            entries = entries.filter(at__lt=until)
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


def application_id_for_reference(*, text: str) -> uuid.UUID | None:
    """The id of the case a reference (IL-XXXX-XX) or an id names, or None.

    Without scope: auditors have no case scope and read no case contents; this goes through
    the blind index only. It accepts a reference or an id and nothing else, so the audit
    pages cannot be used to find out whether a person with a given name, passport, email
    or phone applied.
    """
    text = text.strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    indexer = blind_indexer()
    digests = [
        indexer.digest(kind, value) for kind, value in query_terms(text) if kind == "reference"
    ]
    if not digests:
        return None
    return (
        LookupDigest.objects.filter(digest__in=digests)
        .values_list("application_id", flat=True)
        .first()
    )
