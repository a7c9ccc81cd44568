"""The demo at scale: a million applications written in bulk, stored as the services store them.

``enlist demo --size N`` builds its cases here instead of calling ``application_submit`` and
``application_transition`` once per case (about 7 applications a second). Every case gets
what those services give it, built by the same functions:

- a data key of its own (``vault.services.data_key_new``: random, wrapped by the active KEK);
- the application row from ``intake.services.application_build`` with every personal field
  sealed by ``EncryptedField.pre_save`` (AES-256-GCM, field and row bound in);
- its blind-index digests (``cases.services.application_digests``) and its blocking digests
  (``matching.services.match_digests``), so search and matching find it;
- its stage history (``StageChange``, reasons sealed) as the demo's plan tells it;
- one audit entry per act (creation, each move), chained with ``audit.chain.entry_hash`` and
  indexed in ``AuditSubject`` exactly as ``audit_record`` does, then a signed checkpoint.

What differs is only how rows reach the database: the rows of ``CHUNK`` cases are built in
memory and written in one transaction, by ``executemany`` on SQLite and ``COPY`` on
PostgreSQL, with the model layer (per-object ``save``, signals, savepoints) left out.
Stage-entry side effects that make files or mail (travel packets, interview invitations) and
the guards' facts (verdicts, visa records, unit assignments) are not made at this scale;
see docs/adr/0016-demo-at-scale.md.

Where the time goes (measured, per application): drawing the plan (names, phones, dates:
about a third), validating it with the intake schema, sealing 12 values, 15-25 HMACs for
digests and blocking keys, hashing 3-6 audit entries, and writing about 30 rows.
"""

from __future__ import annotations

import datetime
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.chain import GENESIS, Entry, entry_hash, entry_subjects
from enlist.audit.models import AuditAction, AuditEntry, AuditHead, AuditSubject
from enlist.cases.models import Application, Channel, LookupDigest, StageChange
from enlist.cases.reference import new_reference
from enlist.cases.services import application_digests
from enlist.cases.workflow import Stage
from enlist.demo.plan import ApplicationPlan
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import (
    Consent,
    application_build,
    creation_detail,
    intake_context,
    submitter_role,
)
from enlist.matching.models import MatchKey
from enlist.matching.services import application_records, match_digests
from enlist.missions.models import Mission
from enlist.vault.services import data_key_new

CHUNK = 2000  # applications per transaction: about 60,000 rows


class StaffPicker:
    """Chooses the staff member who made an act, as the one-by-one build does."""

    def __init__(self, pick: Callable[[Role, str, int], StaffUser]) -> None:
        self._pick = pick

    def __call__(self, role: Role, mission: str, pick: int) -> StaffUser:
        return self._pick(role, mission, pick)


@dataclass
class _Act:
    """An audit entry before it is numbered and chained."""

    actor: StaffUser | None
    actor_role: str
    action: str
    target_id: str
    detail: dict[str, Any]


@dataclass
class CaseRows:
    """Every row one application adds, as model instances and digests, before writing."""

    data_key: models.Model
    application: Application
    digests: list[bytes]
    match_keys: list[bytes]
    changes: list[StageChange]
    acts: list[_Act]


@dataclass
class BulkReport:
    applications: int = 0
    rows: int = 0
    seconds: float = 0.0
    stages: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    nationalities: Counter[str] = field(default_factory=Counter)


class References:
    """Fresh references never given before in this build (nor stored before it)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)

    def new(self) -> str:
        while True:
            reference = new_reference()
            if reference not in self._taken:
                self._taken.add(reference)
                return reference


def case_rows(
    plan: ApplicationPlan,
    *,
    staff: StaffPicker,
    missions: dict[str, Mission],
    references: References,
    context: Any,
) -> CaseRows:
    """The rows of one planned application, sealed and indexed as the services make them."""
    data = ApplicationIn.model_validate(plan.data, context=context)
    channel = Channel(plan.channel)
    if plan.channel == Channel.WEB:
        recorder = None
    elif plan.channel == Channel.IMPORT:
        recorder = staff(Role.HQ, plan.mission, plan.pick)
    else:
        recorder = staff(Role.CLERK, plan.mission, plan.pick)
    data_key = data_key_new()
    application = application_build(
        data=data,
        channel=channel,
        actor=recorder,
        at=plan.submitted_at,
        consent=Consent(confirmed=True),
        data_key=data_key,
        reference=references.new(),
        mission=missions[plan.mission],
    )
    role = recorder.role if recorder else submitter_role(channel)
    target = str(application.pk)
    changes = [
        StageChange(
            application=application,
            from_stage="",
            to_stage=Stage.SUBMITTED,
            actor=recorder,
            actor_role=role,
            at=application.submitted_at,
        )
    ]
    acts = [
        _Act(
            recorder,
            role,
            AuditAction.CREATE,
            target,
            creation_detail(application, plan.mission),
        )
    ]
    current = Stage.SUBMITTED
    for step in plan.steps:
        actor = staff(step.role, plan.mission, step.pick)
        reason = step.reason.strip() or None
        changes.append(
            StageChange(
                application=application,
                from_stage=current.value,
                to_stage=step.to.value,
                actor=actor,
                actor_role=actor.role,
                reason=reason,
                at=step.at,
            )
        )
        detail: dict[str, Any] = {"from": current.value, "to": step.to.value}
        detail["reason_given"] = reason is not None
        if step.to == Stage.ARRIVED and step.role == Role.HQ:
            detail["override"] = True  # HQ records an arrival by the workflow's override row
        acts.append(_Act(actor, actor.role, AuditAction.TRANSITION, target, detail))
        application.held_from = current.value if step.to == Stage.ON_HOLD else ""
        application.stage = step.to.value
        application.stage_changed_at = step.at
        current = step.to
    return CaseRows(
        data_key=data_key,
        application=application,
        digests=application_digests(application),
        match_keys=match_digests(application_records(application)),
        changes=changes,
        acts=acts,
    )


# --------------------------------------------------------------------------------------------
# Writing rows: executemany on SQLite, COPY on PostgreSQL
# --------------------------------------------------------------------------------------------


class _Table:
    """One model's table: its columns in order and how a row of them is written."""

    def __init__(self, model: type[models.Model], *, with_pk: bool = True) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.name = model._meta.db_table

    def values(self, instance: models.Model) -> list[Any]:
        """The column values as ``bulk_create`` would send them (sealing included)."""
        return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in self.fields]

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        if connection.vendor == "postgresql":
            raw = connection.connection  # psycopg 3: COPY is several times an INSERT's speed
            # Identifiers from model metadata, never from input.
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {quote(self.name)} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {quote(self.name)} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _json(value: dict[str, Any]) -> Any:
    """A JSONField value as the backend takes it (what ``JSONField.get_db_prep_save`` does)."""
    return AuditEntry._meta.get_field("detail").get_db_prep_save(value, connection)


def _uuid(value: uuid.UUID) -> Any:
    return value if connection.vendor == "postgresql" else value.hex


def _time(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


class _Chain:
    """Numbers, links and hashes audit entries in order from the current head."""

    def __init__(self) -> None:
        head = AuditHead.objects.filter(pk=AuditHead.ONE).values_list("sequence", "hash").first()
        self.sequence, self.hash = head or (0, GENESIS)
        last_id = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next_id = (last_id or 0) + 1

    def rows(
        self, acts: Sequence[_Act], at: datetime.datetime
    ) -> tuple[list[list[Any]], list[list[Any]]]:
        entries, subjects = [], []
        for act in acts:
            self.sequence += 1
            actor_id = act.actor.pk if act.actor else None
            username = act.actor.username[:150] if act.actor else ""
            content = Entry(
                sequence=self.sequence,
                at=at,
                actor_id=actor_id,
                actor_username=username,
                actor_role=act.actor_role,
                action=str(act.action),
                target_type="application",
                target_id=act.target_id,
                detail=act.detail,
            )
            digest = entry_hash(content, self.hash)
            entries.append(
                [
                    self.next_id,
                    self.sequence,
                    _time(at),
                    actor_id,
                    username,
                    act.actor_role,
                    content.action,
                    "application",
                    act.target_id,
                    _json(act.detail),
                    self.hash,
                    digest,
                ]
            )
            for subject in sorted(
                entry_subjects(
                    target_type="application", target_id=act.target_id, detail=act.detail
                )
            ):
                subjects.append([self.next_id, _uuid(uuid.UUID(subject))])
            self.hash = digest
            self.next_id += 1
            # Entries get distinct, increasing times, as one writer after another would.
            at += datetime.timedelta(microseconds=1)
        return entries, subjects

    def move_head(self) -> None:
        AuditHead.objects.update_or_create(
            pk=AuditHead.ONE, defaults={"sequence": self.sequence, "hash": self.hash}
        )


_AUDIT_COLUMNS = [
    "id", "sequence", "at", "actor_id", "actor_username", "actor_role", "action",
    "target_type", "target_id", "detail", "prev_hash", "hash",
]  # fmt: skip


class _Writer:
    def __init__(self) -> None:
        from enlist.vault.models import DataKey

        self.data_keys = _Table(DataKey)
        self.applications = _Table(Application)
        self.changes = _Table(StageChange, with_pk=False)
        self.digests = _Table(LookupDigest, with_pk=False)
        self.match_keys = _Table(MatchKey, with_pk=False)
        self.audit = _Table(AuditEntry)
        self.subjects = _Table(AuditSubject, with_pk=False)
        assert self.audit.columns == _AUDIT_COLUMNS  # noqa: S101  # nosec B101  # the chain's row layout
        self.chain = _Chain()

    def write(self, cases: Sequence[CaseRows]) -> int:
        key_rows, application_rows, change_rows, digest_rows, match_rows = [], [], [], [], []
        acts: list[_Act] = []
        for case in cases:
            key_rows.append(self.data_keys.values(case.data_key))
            application_rows.append(self.applications.values(case.application))
            pk = _uuid(case.application.pk)
            digest_rows.extend([pk, d] for d in case.digests)
            match_rows.extend([pk, d] for d in case.match_keys)
            change_rows.extend(self.changes.values(change) for change in case.changes)
            acts.extend(case.acts)
        entries, subjects = self.chain.rows(acts, timezone.now())
        with transaction.atomic():
            self.data_keys.write(key_rows)
            self.applications.write(application_rows)
            self.changes.write(change_rows)
            self.digests.write(digest_rows)
            self.match_keys.write(match_rows)
            self.audit.write(entries)
            self.subjects.write(subjects)
            self.chain.move_head()
        return (
            sum(
                map(
                    len,
                    (key_rows, application_rows, change_rows, digest_rows, match_rows),
                )
            )
            + len(entries)
            + len(subjects)
        )

    def finish(self) -> None:
        if connection.vendor == "postgresql":
            # Rows written with explicit ids (audit entries): move the id sequences past them.
            statements = connection.ops.sequence_reset_sql(
                _NoStyle(), [AuditEntry, AuditSubject, StageChange, LookupDigest, MatchKey]
            )
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


class _NoStyle:
    """``sequence_reset_sql`` colours its SQL for terminals; we only execute it."""

    def __getattr__(self, name: str) -> Callable[[str], str]:
        return lambda text: text


def _chunks(plans: Iterable[ApplicationPlan], size: int) -> Iterator[list[ApplicationPlan]]:
    chunk: list[ApplicationPlan] = []
    for plan in plans:
        chunk.append(plan)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def applications_bulk_create(
    plans: Iterable[ApplicationPlan],
    *,
    count: int,
    staff: StaffPicker,
    today: datetime.date,
    progress: bool | None = None,
    chunk_size: int = CHUNK,
) -> BulkReport:
    """Write the planned applications with everything the services would have stored.

    One transaction per chunk: an interrupted build leaves whole cases only, and a reader is
    blocked for one chunk's write at most. `progress` None shows a bar on stderr when it is
    a terminal.
    """
    started = time.perf_counter()
    missions = {m.code: m for m in Mission.objects.all()}
    references = References()
    context = intake_context(today=today)
    writer = _Writer()
    report = BulkReport()
    with tqdm(
        total=count,
        unit="application",
        desc="Writing applications",
        file=sys.stderr,
        disable=None if progress is None else not progress,
        leave=False,
        smoothing=0.05,
    ) as bar:
        for chunk in _chunks(plans, chunk_size):
            cases = [
                case_rows(
                    plan, staff=staff, missions=missions, references=references, context=context
                )
                for plan in chunk
            ]
            report.rows += writer.write(cases)
            for case in cases:
                report.stages[case.application.stage] += 1
                report.channels[case.application.channel] += 1
                report.nationalities[case.application.nationality_id] += 1
            report.applications += len(cases)
            bar.update(len(cases))
    writer.finish()
    report.seconds = time.perf_counter() - started
    return report


__all__ = [
    "CHUNK",
    "BulkReport",
    "CaseRows",
    "StaffPicker",
    "applications_bulk_create",
    "case_rows",
]
