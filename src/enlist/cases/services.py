"""Writes on applications: stage transitions, documents and their blind-index digests.

Every function here is the one implementation shared by the staff pages, the API, the CLI
and the demo; each runs in a transaction so nothing half-written is left behind.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import DOCUMENT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.documents import REFUSALS, SIGNATURE_BYTES, document_type
from enlist.cases.hooks import gather_facts, stage_entered
from enlist.cases.identifiers import application_terms
from enlist.cases.models import (
    Application,
    Document,
    DocumentKind,
    LookupDigest,
    StageChange,
    Verification,
)
from enlist.cases.workflow import Stage, check_transition
from enlist.core.bulk import values_insert
from enlist.errors import FieldError, InvalidInput, NotPermitted
from enlist.vault.keyring import blind_indexer


def application_digests(application: Application) -> list[bytes]:
    indexer = blind_indexer()
    terms = application_terms(
        reference=application.reference,
        given_name=application.given_name,
        family_name=application.family_name,
        given_name_native=application.given_name_native,
        family_name_native=application.family_name_native,
        passport_number=application.passport_number,
        email=application.email,
        phone=application.phone,
        phone_region=application.residence_country,
    )
    return sorted(indexer.digest(kind, value) for kind, value in terms)


def application_index(
    *, application: Application, digests: list[bytes] | None = None, new: bool = False
) -> None:
    """(Re)write the blind-index digests of an application after its identifiers changed.

    `digests`: ``application_digests(application)`` computed beforehand (intake does it
    before its transaction); `new`: the application was just created and has none to delete.
    """
    if not new:
        LookupDigest.objects.filter(application=application).delete()
    if digests is None:
        digests = application_digests(application)
    application_index_digests(application=application, digests=digests)


def application_index_digests(*, application: Application, digests: list[bytes]) -> None:
    """Write `digests` (``application_digests``) for an application that has none stored
    (just created, or its old ones deleted): one prepared statement, no query building."""
    values_insert(
        LookupDigest, ["application_id", "digest"], ((application.pk, d) for d in digests)
    )


def applications_index_new(*, applications: list[Application]) -> None:
    """Write the blind-index digests of applications just created, in bulk (a batch import)."""
    values_insert(
        LookupDigest,
        ["application_id", "digest"],
        ((a.pk, d) for a in applications for d in application_digests(a)),
    )


@transaction.atomic
def application_transition(
    *, application: Application, to: Stage | str, actor: StaffUser, reason: str = ""
) -> StageChange:
    """Move the application to `to` if the workflow table allows it for the actor's role.

    The row is locked and re-read, so two staff clicking at once cannot both move it.
    Raises TransitionNotAllowed (409), NotPermitted (403) or InvalidInput on "reason" (422);
    on refusal nothing is written.
    """
    # Only the workflow columns: the lock needs no personal field decrypted.
    locked = (
        Application.objects.select_for_update()
        .only("stage", "held_from", "stage_changed_at", "consent_at")
        .get(pk=application.pk)
    )
    application.consent_at = locked.consent_at  # as stored now: the consent guard reads it
    try:
        target = Stage(to)
    except ValueError:
        raise InvalidInput([FieldError("to", f"'{to}' is not a stage.")]) from None
    current = locked.current_stage
    rule = check_transition(
        current=current,
        target=target,
        role=actor.staff_role,
        reason=reason,
        held_from=locked.held_from_stage,
        facts=gather_facts(application),
    )
    now = timezone.now()
    locked.held_from = current.value if target == Stage.ON_HOLD else ""
    locked.stage = target.value
    locked.stage_changed_at = now
    locked.save(update_fields=["stage", "held_from", "stage_changed_at"])
    change = StageChange.objects.create(
        application=locked,
        from_stage=current.value,
        to_stage=target.value,
        actor=actor,
        actor_role=actor.role,
        reason=reason.strip() or None,
        at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        target=locked,
        detail={
            "from": current.value,
            "to": target.value,
            "reason_given": bool(change.reason),
            **({"override": True} if rule.override else {}),
        },
    )
    application.stage, application.held_from = locked.stage, locked.held_from
    application.stage_changed_at = now
    stage_entered(application, change, actor)
    return change


def _check_document_role(actor: StaffUser) -> None:
    if actor.staff_role not in DOCUMENT_ROLES:
        raise NotPermitted("This role may not handle documents.")


@transaction.atomic
def document_add(
    *, application: Application, kind: str, upload: UploadedFile, actor: StaffUser | None
) -> Document:
    """Store an uploaded document, encrypted, under a random name. `actor` None: the applicant."""
    if actor is not None:
        _check_document_role(actor)
    errors = []
    if kind not in DocumentKind.values:
        errors.append(FieldError("kind", f"Choose one of: {', '.join(DocumentKind.values)}."))
    content_type = None
    if upload.size is None or upload.size == 0:
        errors.append(FieldError("file", REFUSALS["empty"], code="empty"))
    elif upload.size > settings.ENLIST_DOCUMENT_MAX_BYTES:
        limit = (("limit", str(settings.ENLIST_DOCUMENT_MAX_BYTES // (1024 * 1024))),)
        message = REFUSALS["too_large"] % dict(limit)
        errors.append(FieldError("file", message, code="too_large", params=limit))
    else:
        # by its content, not the declared type or the name (cases/documents.py)
        upload.seek(0)
        sniffed = document_type(
            upload.read(SIGNATURE_BYTES), declared=upload.content_type, name=upload.name
        )
        upload.seek(0)
        content_type = sniffed.content_type
        if sniffed.problem is not None:
            errors.append(
                FieldError("file", sniffed.problem, code=sniffed.code, params=sniffed.params)
            )
    if errors:
        raise InvalidInput(errors)
    # no error: the upload had a size and its content an accepted type
    assert content_type is not None and upload.size is not None  # nosec B101
    document = Document(
        application=application,
        kind=kind,
        original_name=(upload.name or "document")[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save("upload", upload, save=False)
    try:
        document.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            target=application,
            detail={"change": "document_add", "document": str(document.pk), "kind": kind},
        )
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_verify(*, document: Document, verification: str, actor: StaffUser) -> Document:
    """Record whether a document checks out, and who checked it."""
    _check_document_role(actor)
    if verification not in Verification.values:
        raise InvalidInput([FieldError("verification", "Choose verified, rejected or pending.")])
    document.verification = verification
    document.verified_by = None if verification == Verification.PENDING else actor
    document.verified_at = None if verification == Verification.PENDING else timezone.now()
    document.save(update_fields=["verification", "verified_by", "verified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=("application", document.application_id),
        detail={
            "change": "document_verify",
            "document": str(document.pk),
            "kind": document.kind,
            "verification": verification,
        },
    )
    return document
