"""Receiving applications from every channel: web form, API, clerks' records, imports, demo."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import CONTACT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Application, Channel, LookupDigest, StageChange
from enlist.cases.reference import new_reference
from enlist.cases.services import application_index
from enlist.cases.workflow import Stage
from enlist.errors import FieldError, IdempotencyKeyReused, InvalidInput, NotPermitted
from enlist.intake.models import IdempotencyRecord
from enlist.intake.schemas import ApplicationIn, IntakeContext
from enlist.matching.services import application_match_on_arrival
from enlist.missions.models import Country, Mission
from enlist.vault.keyring import blind_indexer
from enlist.vault.normalise import normalise_reference
from enlist.vault.services import data_key_create


def intake_context(*, today: datetime.date | None = None) -> IntakeContext:
    """The reference data the intake validator checks codes against."""
    return IntakeContext(
        countries=set(Country.objects.values_list("code", flat=True)),
        missions=set(Mission.objects.filter(is_active=True).values_list("code", flat=True)),
        today=today or timezone.localdate(),
    )


@dataclass(frozen=True)
class Submission:
    application: Application
    created: bool  # False when an Idempotency-Key retry returned the first application


def _unused_reference() -> str:
    indexer = blind_indexer()
    while True:
        reference = new_reference()
        digest = indexer.digest("reference", normalise_reference(reference))
        if not LookupDigest.objects.filter(digest=digest).exists():
            return reference


def _replay(*, key_digest: bytes, body_digest: bytes) -> Application | None:
    record = (
        IdempotencyRecord.objects.select_related("application")
        .filter(key_digest=key_digest)
        .first()
    )
    if record is None:
        return None
    if record.application.is_erased:
        # Erasure keeps the key's digest and drops the body's: a retry (however old) gets
        # the erased case back, never a second application.
        return record.application
    if bytes(record.body_digest) != body_digest:
        raise IdempotencyKeyReused()
    return record.application


def application_submit(
    *,
    data: ApplicationIn,
    channel: Channel,
    actor: StaffUser | None = None,
    idempotency_key: str | None = None,
    body: bytes | None = None,
    submitted_at: datetime.datetime | None = None,
) -> Submission:
    """Create an application from validated input, with its digests and first history entry.

    `actor` is None when the volunteer submitted it themselves; otherwise a clerk or HQ
    officer recorded a phone, email or walk-in contact. With an `idempotency_key`, a retry
    with the same `body` returns the first application, a different body raises
    IdempotencyKeyReused (409). All or nothing: one transaction.
    """
    if actor is not None and actor.staff_role not in CONTACT_ROLES:
        raise NotPermitted("This role may not record applications.")
    if actor is not None and actor.mission_id is not None and data.mission != actor.mission.code:
        # Mission staff work within their mission: a case they record elsewhere they could not see.
        raise InvalidInput(
            [FieldError("mission", "Record applications for your own mission only.")]
        )
    indexer = blind_indexer()
    key_digest = body_digest = None
    if idempotency_key is not None:
        key_digest = indexer.digest("idempotency-key", idempotency_key)
        body_digest = indexer.digest("idempotency-body", (body or b"").hex())
        replayed = _replay(key_digest=key_digest, body_digest=body_digest)
        if replayed is not None:
            return Submission(replayed, created=False)
    try:
        with transaction.atomic():
            application = _create(data=data, channel=channel, actor=actor, at=submitted_at)
            if key_digest is not None:
                IdempotencyRecord.objects.create(
                    key_digest=key_digest, body_digest=body_digest, application=application
                )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as a retry.
        if key_digest is None:
            raise
        replayed = _replay(key_digest=key_digest, body_digest=body_digest)
        if replayed is None:
            raise
        return Submission(replayed, created=False)
    return Submission(application, created=True)


def _create(
    *, data: ApplicationIn, channel: Channel, actor: StaffUser | None, at: datetime.datetime | None
) -> Application:
    now = at or timezone.now()
    experience = data.military_experience.model_dump()
    application = Application.objects.create(
        data_key=data_key_create(),  # the volunteer's own key: every personal value uses it
        mission=Mission.objects.get(code=data.mission),
        nationality_id=data.nationality,
        channel=channel,
        stage=Stage.SUBMITTED,
        submitted_at=now,
        stage_changed_at=now,
        consent_at=now,
        advisory_acknowledged_at=now,
        recorded_by=actor,
        reference=_unused_reference(),
        given_name=data.given_name,
        family_name=data.family_name,
        given_name_native=data.given_name_native,
        family_name_native=data.family_name_native,
        date_of_birth=data.date_of_birth,
        residence_country=data.residence_country,
        email=data.email,
        phone=data.phone,
        passport_number=data.passport_number,
        languages=data.languages,
        military_experience=experience,
    )
    application_index(application=application)
    # Every channel arrives here: probable duplicates are flagged before the submit returns.
    application_match_on_arrival(application=application)
    StageChange.objects.create(
        application=application,
        from_stage="",
        to_stage=Stage.SUBMITTED,
        actor=actor,
        actor_role=actor.role if actor else "applicant",
        at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=application,
        detail={"channel": str(channel), "mission": data.mission, "stage": Stage.SUBMITTED.value},
    )
    return application
