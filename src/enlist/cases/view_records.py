"""Recording in the audit trail what staff were shown of a case: its personal fields (their
names, never their values) and its documents.

The cases app's, not the trail's: which fields are personal is read from the case's model,
which the trail below it does not import. Lists and searches (ids only) are recorded by
``audit/services.py: audit_cases_shown``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from enlist.accounts.models import StaffUser
from enlist.audit.models import AuditAction, AuditEntry
from enlist.audit.services import audit_record
from enlist.cases.models import Application, Document
from enlist.vault.fields import EncryptedField


@functools.cache
def personal_fields() -> frozenset[str]:
    """The personal fields a case view may show: a view entry lists which were shown (names only).

    Read from the model (every EncryptedField of an application), plus its documents and history.
    """
    encrypted = {f.name for f in Application._meta.get_fields() if isinstance(f, EncryptedField)}
    return frozenset(encrypted | {"documents", "history"})


def audit_case_view(
    *, actor: StaffUser, application: Application, shown: Mapping[str, Any], via: str
) -> AuditEntry:
    """Record that `actor` was shown a case's personal data; `shown` is what was presented
    (only its keys are read: the names of the personal fields shown)."""
    # Oversight's view (cases/presentation.py: oversight_detail) withholds every personal value.
    withheld = bool(shown.get("withheld"))
    fields = [] if withheld else sorted(key for key in shown if key in personal_fields())
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        target=application,
        detail={"via": via, "fields": fields},
    )


def audit_document_view(*, actor: StaffUser, document: Document, via: str) -> AuditEntry:
    """Record that `actor` opened (downloaded) a document of a case."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        target=("application", document.application_id),
        detail={"via": via, "document": str(document.pk), "kind": document.kind},
    )
