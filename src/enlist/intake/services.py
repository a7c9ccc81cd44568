"""Receiving applications from every channel: web form, API, clerks' records, imports, demo."""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import CONTACT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import AuditItem, audit_record, audit_records
from enlist.cases.models import Application, Channel, LookupDigest, StageChange
from enlist.cases.reference import new_reference
from enlist.cases.services import (
    application_digests,
    application_index_digests,
    applications_index_new,
)
from enlist.cases.workflow import Stage
from enlist.core.bulk import rows_insert
from enlist.errors import FieldError, IdempotencyKeyReused, InvalidInput, NotPermitted
from enlist.intake.models import IdempotencyRecord
from enlist.intake.schemas import ApplicationIn, IntakeContext
from enlist.matching.services import (
    RecordCache,
    application_match_on_arrival,
    applications_match_new,
)
from enlist.missions.models import Country, Mission
from enlist.vault.keyring import blind_indexer
from enlist.vault.models import DataKey
from enlist.vault.normalise import normalise_reference
from enlist.vault.services import data_key_new, data_keys_create

# Consent as the channel gives it: the public form and API (the volunteer ticks it), a clerk
# reading the wording out on the phone or at the desk, or "to be confirmed" (mail, import).
logger = logging.getLogger(__name__)

CONSENT_CONFIRMED = "confirmed"
CONSENT_TO_BE_CONFIRMED = "to_be_confirmed"


@dataclass(frozen=True)
class Consent:
    """How the volunteer's consent stands when the application is created.

    ``confirmed`` False: "to be confirmed" (a mail draft completed by a clerk, an imported
    row); the case cannot move past screening until ``application_consent_confirm``.
    ``recorded_by`` is the staff member who read the wording out (phone, walk-in).
    """

    confirmed: bool
    recorded_by: StaffUser | None = None
    wording: str = ""

    @classmethod
    def to_be_confirmed(cls) -> Consent:
        return cls(confirmed=False)

    @property
    def state(self) -> str:
        return CONSENT_CONFIRMED if self.confirmed else CONSENT_TO_BE_CONFIRMED


def consent_wording() -> str:
    """The version of the consent wording shown on the form and read out by clerks."""
    return str(settings.ENLIST_CONSENT_WORDING)


# Called after an application is created, in its transaction (e.g. the mail intake closes the
# volunteer's open mail drafts when they complete the public form). Lower apps stay unaware.
ArrivalHandler = Callable[[Application], None]
_arrival_handlers: list[ArrivalHandler] = []


def register_arrival_handler(handler: ArrivalHandler) -> None:
    if handler not in _arrival_handlers:
        _arrival_handlers.append(handler)


_CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class _CodesInDatabase(Collection[str]):
    """The codes of a queryset, asked one at a time (and remembered for this context).

    A submission names two countries and one mission: asking for those three is cheaper
    than loading every country on each request, and keeps no reference data in the process.
    """

    def __init__(self, queryset: QuerySet) -> None:
        self._queryset = queryset
        self._known: dict[str, Model | None] = {}

    def __contains__(self, code: object) -> bool:
        # What cannot be a code is not asked for: a NUL byte or a megabyte of text would only
        # make the database refuse the query (PostgreSQL: no NUL in text) or do needless work.
        if not isinstance(code, str) or not _CODE_SHAPE.fullmatch(code):
            return False
        return self.row(code) is not None

    def row(self, code: str) -> Model | None:
        """The row of `code` (None: no such code), asked once: the submission that checked
        its mission's code stores the mission read by that check."""
        if code not in self._known:
            self._known[code] = self._queryset.filter(code=code).first()
        return self._known[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._queryset.values_list("code", flat=True))

    def __len__(self) -> int:
        return self._queryset.count()


def intake_context(*, today: datetime.date | None = None) -> IntakeContext:
    """The reference data the intake validator checks codes against."""
    return IntakeContext(
        countries=_CodesInDatabase(Country.objects.all()),
        missions=_CodesInDatabase(Mission.objects.filter(is_active=True)),
        today=today or timezone.localdate(),
    )


def context_mission(context: IntakeContext, code: str) -> Mission | None:
    """The mission `code` as the validator found it in `context` (None: not looked up)."""
    missions = context.missions
    row = missions.row(code) if isinstance(missions, _CodesInDatabase) else None
    return row if isinstance(row, Mission) else None


@dataclass(frozen=True)
class Submission:
    application: Application
    created: bool  # False when an Idempotency-Key retry returned the first application


def _unused_reference() -> str:
    return _unused_references(1)[0]


def _unused_references(count: int) -> list[str]:
    """`count` distinct new references that no stored application has (one query per few
    hundred, however many are asked for)."""
    indexer = blind_indexer()
    chosen: dict[bytes, str] = {}
    while len(chosen) < count:
        drawn: dict[bytes, str] = {}
        while len(chosen) + len(drawn) < count:
            reference = new_reference()
            digest = indexer.digest("reference", normalise_reference(reference))
            if digest not in chosen:
                drawn[digest] = reference
        taken: set[bytes] = set()
        digests = list(drawn)
        for start in range(0, len(digests), _LOOKUP_CHUNK):
            taken.update(
                bytes(d)
                for d in LookupDigest.objects.filter(
                    digest__in=digests[start : start + _LOOKUP_CHUNK]
                ).values_list("digest", flat=True)
            )
        chosen |= {d: r for d, r in drawn.items() if d not in taken}
    return list(chosen.values())


_LOOKUP_CHUNK = 500  # values per IN (...) look-up (SQLite allows 999 parameters)


def _replay(*, key_digest: bytes, body_digest: bytes) -> Application | None:
    return _replays({key_digest: body_digest}).get(key_digest)


def _replays(bodies: dict[bytes, bytes]) -> dict[bytes, Application]:
    """The first application of each key digest already used (key digest → body digest)."""
    used: dict[bytes, tuple[bytes, object]] = {}  # key digest → (body digest, application id)
    keys = list(bodies)
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        # Narrow rows first: almost every submission's key is new, and the applications are
        # loaded only for the keys that were used.
        used.update(
            (bytes(key), (bytes(body), application_id))
            for key, body, application_id in IdempotencyRecord.objects.filter(
                key_digest__in=keys[start : start + _LOOKUP_CHUNK]
            ).values_list("key_digest", "body_digest", "application_id")
        )
    if not used:
        return {}
    applications = Application.objects.select_related("data_key").in_bulk(
        [pk for _, pk in used.values()]
    )
    found: dict[bytes, Application] = {}
    for key, (body, application_id) in used.items():
        application = applications[application_id]
        # Erasure keeps the key's digest and drops the body's: a retry (however old)
        # gets the erased case back, never a second application.
        if not application.is_erased and body != bodies[key]:
            raise IdempotencyKeyReused()
        found[key] = application
    return found


def idempotency_body_forget(application: Application) -> None:
    """Erasure hook (``cases/hooks.py``): drop the digest of the body this case was submitted
    with (it confirms a guess of what was sent); the key's digest stays, so a retry with the
    same Idempotency-Key gets the erased case back (``_replays``)."""
    IdempotencyRecord.objects.filter(application=application).update(body_digest=b"")


def application_submit(
    *,
    data: ApplicationIn,
    channel: Channel,
    actor: StaffUser | None = None,
    idempotency_key: str | None = None,
    body: bytes | None = None,
    submitted_at: datetime.datetime | None = None,
    consent: Consent | None = None,
    data_key: DataKey | None = None,
    import_row: int | None = None,
    language: str = "",
    mission: Mission | None = None,
) -> Submission:
    """Create an application from validated input, with its digests and first history entry.

    `actor` is None when the volunteer submitted it themselves; otherwise a clerk or HQ
    officer recorded a phone, email or walk-in contact. With an `idempotency_key`, a retry
    with the same `body` returns the first application, a different body raises
    IdempotencyKeyReused (409). All or nothing: one transaction.

    `consent`: None when the volunteer gave it themselves (form, API); a clerk recording a
    phone or walk-in contact passes ``Consent(confirmed=True, recorded_by=clerk)``; mail
    drafts and imported rows ``Consent.to_be_confirmed()``. `data_key`: the key a mail draft
    was already sealed with (its messages stay readable with the case, and are erased with
    it). `import_row`: the spreadsheet row of an imported case. `language`: the interface
    language the volunteer wrote in (the form's page, a mail draft's detected language); blank
    when unknown, and then their emails and documents follow the languages they speak
    (`cases/languages.py: application_language`). `mission`: the row of ``data.mission``
    when the caller has it already (``context_mission``), else it is read.
    """
    _check_recorder(actor, data.mission)
    indexer = blind_indexer()
    key_digest = body_digest = None
    if idempotency_key is not None:
        key_digest = indexer.digest("idempotency-key", idempotency_key)
        body_digest = indexer.digest("idempotency-body", (body or b"").hex())
        replayed = _replay(key_digest=key_digest, body_digest=body_digest)
        if replayed is not None:
            return Submission(replayed, created=False)
    # Everything that needs no lock is done before the transaction: the data key made and
    # wrapped, the values set (sealed on save), a free reference, the blind-index digests.
    # On SQLite the write lock is held from BEGIN to COMMIT, and every submission waits
    # for the one holding it: it is held for the writes only.
    application = application_build(
        data=data,
        channel=channel,
        actor=actor,
        at=submitted_at,
        consent=consent or Consent(confirmed=True),
        data_key=data_key or data_key_new(),
        import_row=import_row,
        mission=mission if mission is not None and mission.code == data.mission else None,
    )
    application.language = language if language in dict(settings.LANGUAGES) else ""
    digests = application_digests(application)
    idempotency = None
    if key_digest is not None and body_digest is not None:
        idempotency = IdempotencyRecord(key_digest=key_digest, body_digest=body_digest)
    try:
        with transaction.atomic():
            _create(
                application=application,
                digests=digests,
                new_key=data_key is None,
                actor=actor,
                mission=data.mission,
                idempotency=idempotency,
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as a retry.
        if key_digest is None or body_digest is None:
            raise
        replayed = _replay(key_digest=key_digest, body_digest=body_digest)
        if replayed is None:
            raise
        return Submission(replayed, created=False)
    return Submission(application, created=True)


def _check_recorder(actor: StaffUser | None, mission: str) -> None:
    if actor is not None and actor.staff_role not in CONTACT_ROLES:
        raise NotPermitted("This role may not record applications.")
    if actor is not None and actor.mission is not None and mission != actor.mission.code:
        # Mission staff work within their mission: a case they record elsewhere they could not see.
        raise InvalidInput(
            [FieldError("mission", "Record applications for your own mission only.")]
        )


def _create(
    *,
    application: Application,
    digests: list[bytes],
    new_key: bool,
    actor: StaffUser | None,
    mission: str,
    idempotency: IdempotencyRecord | None,
) -> None:
    """The submission's writes, in the caller's transaction; the audit entry (which locks
    the audit head) last, so that lock is held shortest.

    Each row goes in as the batch path writes it (``core/bulk.py``: every value prepared and
    sealed by its field, one prepared statement): ``Model.save`` would build the same INSERT
    through the query compiler on every request, which cost more CPU than the statements."""
    if new_key:
        rows_insert(DataKey, [application.data_key])
    rows_insert(Application, [application])
    application_index_digests(application=application, digests=digests)
    # Every channel arrives here: its matching is queued with it (the worker flags duplicates).
    application_match_on_arrival(application=application)
    rows_insert(StageChange, [_first_history(application, actor)])
    for handler in _arrival_handlers:
        handler(application)
    if idempotency is not None:
        idempotency.application = application
        rows_insert(IdempotencyRecord, [idempotency])
    audit_records([_creation_audit(application, actor, mission)])


def _first_history(application: Application, actor: StaffUser | None) -> StageChange:
    return StageChange(
        application=application,
        from_stage="",
        to_stage=Stage.SUBMITTED,
        actor=actor,
        actor_role=actor.role if actor else submitter_role(application.channel),
        at=application.submitted_at,
    )


def _creation_audit(application: Application, actor: StaffUser | None, mission: str) -> AuditItem:
    return AuditItem(
        actor=actor,
        actor_role=None if actor else submitter_role(application.channel),
        action=AuditAction.CREATE,
        target=application,
        detail=creation_detail(application, mission),
    )


@dataclass(frozen=True)
class BatchItem:
    """One application of a batch: validated input, its idempotency key and the body the
    key stands for, and (imports) its spreadsheet row."""

    data: ApplicationIn
    idempotency_key: str
    body: bytes
    import_row: int | None = None


@dataclass
class BatchSubmission:
    submissions: list[Submission] = field(default_factory=list)  # in the items' order
    flagged: int = 0  # probable duplicates flagged for HQ's review (open pairs created)


def applications_submit_batch(
    *,
    items: list[BatchItem],
    channel: Channel,
    mission: Mission,
    actor: StaffUser | None = None,
    consent: Consent | None = None,
    match_cache: RecordCache | None = None,
) -> BatchSubmission:
    """``application_submit`` for many applications of one mission at once: the same rows
    for each (its own data key, the application sealed with it, its digests, the duplicate
    check, its first history entry, the idempotency record, the arrival handlers and one
    audit entry per case, chained), written with bulk inserts in one transaction.

    An item whose key was used before (or earlier in the batch) is a retry: the first
    application is returned, ``created`` False; the same key with another body raises
    IdempotencyKeyReused. The duplicate check runs the batch matching
    (``matching.services.applications_match_new``) in a savepoint: a failure is logged and
    never loses the applications (``enlist matching rematch`` catches up), as on arrival.
    """
    _check_recorder(actor, mission.code)
    if any(item.data.mission != mission.code for item in items):
        raise InvalidInput([FieldError("mission", f"Every application is for {mission.code}.")])
    indexer = blind_indexer()
    keyed = [
        (
            indexer.digest("idempotency-key", item.idempotency_key),
            indexer.digest("idempotency-body", item.body.hex()),
        )
        for item in items
    ]
    result = BatchSubmission()
    with transaction.atomic():
        replayed = _replays(dict(reversed(keyed)))
        fresh: dict[bytes, int] = {}
        for k, (key_digest, body_digest) in enumerate(keyed):
            if key_digest in fresh and keyed[fresh[key_digest]][1] != body_digest:
                raise IdempotencyKeyReused()
            if key_digest in replayed or key_digest in fresh:
                continue
            fresh[key_digest] = k
        created = _create_many(
            items=[items[k] for k in fresh.values()],
            channel=channel,
            mission=mission,
            actor=actor,
            consent=consent or Consent(confirmed=True),
        )
        by_key = dict(zip(fresh, created, strict=True))
        result.flagged = _match_new(created, match_cache)
        rows_insert(
            IdempotencyRecord,
            [
                IdempotencyRecord(
                    key_digest=key_digest, body_digest=keyed[k][1], application=by_key[key_digest]
                )
                for key_digest, k in fresh.items()
            ],
        )
        for handler in _arrival_handlers:
            for application in created:
                handler(application)
        audit_records([_creation_audit(a, actor, mission.code) for a in created])
    for k, (key_digest, _) in enumerate(keyed):
        application = by_key.get(key_digest) or replayed[key_digest]
        result.submissions.append(Submission(application, created=fresh.get(key_digest) == k))
    return result


def _create_many(
    *,
    items: list[BatchItem],
    channel: Channel,
    mission: Mission,
    actor: StaffUser | None,
    consent: Consent,
) -> list[Application]:
    now = timezone.now()
    applications = [
        application_build(
            data=item.data,
            channel=channel,
            actor=actor,
            at=now,
            consent=consent,
            data_key=data_key,
            import_row=item.import_row,
            reference=reference,
            mission=mission,
        )
        for item, data_key, reference in zip(
            items, data_keys_create(len(items)), _unused_references(len(items)), strict=True
        )
    ]
    rows_insert(Application, applications)
    applications_index_new(applications=applications)
    rows_insert(StageChange, [_first_history(a, actor) for a in applications])
    return applications


def _match_new(applications: list[Application], cache: RecordCache | None) -> int:
    try:
        with transaction.atomic():
            return len(applications_match_new(applications=applications, cache=cache))
    except Exception:
        logger.exception("batch matching failed for %d new applications", len(applications))
        return 0


def submitter_role(channel: str) -> str:
    # No staff member: the volunteer themselves, or the operator's import at the command line.
    return "system" if channel == Channel.IMPORT else "applicant"


def creation_detail(application: Application, mission: str) -> dict[str, object]:
    detail: dict[str, object] = {
        "channel": str(application.channel),
        "mission": mission,
        "stage": Stage.SUBMITTED.value,
        "consent": CONSENT_CONFIRMED if application.consent_confirmed else CONSENT_TO_BE_CONFIRMED,
    }
    if application.import_row is not None:
        detail["row"] = application.import_row
    return detail


def application_build(
    *,
    data: ApplicationIn,
    channel: Channel,
    actor: StaffUser | None,
    at: datetime.datetime | None,
    consent: Consent,
    data_key: DataKey,
    import_row: int | None = None,
    reference: str | None = None,
    mission: Mission | None = None,
) -> Application:
    """The unsaved application for validated input: every personal value set (and sealed on
    save with `data_key`), consent as the channel states it. Shared by the one-by-one path
    and the batch import, so both store exactly the same thing."""
    now = at or timezone.now()
    confirmed = consent.confirmed
    return Application(
        data_key=data_key,  # the volunteer's own key: every personal value uses it
        mission=mission or Mission.objects.get(code=data.mission),
        nationality_id=data.nationality,
        channel=channel,
        stage=Stage.SUBMITTED,
        submitted_at=now,
        stage_changed_at=now,
        consent_at=now if confirmed else None,
        consent_channel=channel if confirmed else "",
        consent_wording=(consent.wording or consent_wording()) if confirmed else "",
        consent_recorded_by=consent.recorded_by if confirmed else None,
        advisory_acknowledged_at=now if confirmed else None,
        recorded_by=actor,
        import_row=import_row,
        reference=reference or _unused_reference(),
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
        military_experience=data.military_experience.model_dump(),
    )


@transaction.atomic
def application_consent_confirm(
    *,
    application: Application,
    actor: StaffUser,
    channel: Channel | str,
    wording: str | None = None,
) -> Application:
    """Record that the volunteer confirmed their consent (read out by `actor` at first contact).

    For a case whose consent was "to be confirmed" (mail, import) or to record it again with a
    newer wording. Audited in the same transaction.
    """
    if actor.staff_role not in CONTACT_ROLES:
        raise NotPermitted("This role may not record consent.")
    if channel not in (Channel.PHONE, Channel.WALK_IN, Channel.EMAIL):
        raise InvalidInput(
            [FieldError("channel", "Consent is confirmed by phone, email or in person.")]
        )
    locked = Application.objects.select_for_update().only(
        "pk", "stage", "consent_at", "consent_channel", "consent_wording", "consent_recorded_by",
        "advisory_acknowledged_at",
    ).get(pk=application.pk)  # fmt: skip
    now = timezone.now()
    locked.consent_at = now
    locked.advisory_acknowledged_at = locked.advisory_acknowledged_at or now
    locked.consent_channel = channel
    locked.consent_wording = wording or consent_wording()
    locked.consent_recorded_by = actor
    locked.save(
        update_fields=[
            "consent_at", "advisory_acknowledged_at", "consent_channel", "consent_wording",
            "consent_recorded_by",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=locked,
        detail={"change": "consent", "consent": CONSENT_CONFIRMED, "channel": str(channel)},
    )
    for name in ("consent_at", "advisory_acknowledged_at", "consent_channel", "consent_wording"):
        setattr(application, name, getattr(locked, name))
    application.consent_recorded_by = actor
    return application
