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
see docs/adr/0017-demo-at-scale.md.

Where the time goes (measured, per application): drawing the plan (names, phones, dates:
about a third), validating it with the intake schema, sealing 12 values, 15-25 HMACs for
digests and blocking keys, hashing 3-6 audit entries, and writing about 30 rows.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from queue import Empty
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.chain import GENESIS, Entry, entry_hash, entry_subjects
from enlist.audit.models import AuditAction, AuditEntry, AuditHead, AuditSubject
from enlist.cases.models import Application, Channel, LookupDigest, StageChange
from enlist.cases.reference import ALPHABET, new_reference
from enlist.cases.services import application_digests
from enlist.cases.workflow import Stage
from enlist.core.progress import progress_bar
from enlist.demo.plan import ApplicationPlan
from enlist.intake.schemas import ApplicationIn, IntakeContext
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

    actor_id: int | None
    actor_username: str
    actor_role: str
    action: str
    target_id: str
    detail: dict[str, Any]

    @classmethod
    def by(cls, actor: StaffUser | None, role: str, action: str, target: str, detail: dict) -> _Act:
        if actor is None:
            return cls(None, "", role, action, target, detail)
        return cls(actor.pk, actor.username[:150], role, action, target, detail)


@dataclass
class _Change:
    """A ``StageChange`` row before writing (no model instance: a case has up to ten)."""

    from_stage: str
    to_stage: str
    actor: StaffUser | None
    actor_role: str
    reason: str | None
    at: datetime.datetime


@dataclass
class CaseRows:
    """Every row one application adds, as model instances and digests, before writing."""

    data_key: models.Model
    application: Application
    digests: list[bytes]
    match_keys: list[bytes]
    changes: list[_Change]
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
    """Fresh references, none given twice in this build.

    With several workers, worker w of n only gives references whose first character is
    the w-th of every n in the alphabet: no two workers can give the same one, and each is
    as random as ``new_reference`` makes it.
    """

    def __init__(self, *, partition: tuple[int, int] = (0, 1)) -> None:
        self._taken: set[str] = set()
        worker, workers = partition
        self._first = frozenset(ALPHABET[worker::workers])

    def new(self) -> str:
        while True:
            reference = new_reference()
            if reference[3] in self._first and reference not in self._taken:
                self._taken.add(reference)
                return reference


def case_rows(
    plan: ApplicationPlan,
    *,
    staff: StaffPicker,
    missions: dict[str, Mission],
    references: References,
    context: IntakeContext,
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
    changes = [_Change("", Stage.SUBMITTED.value, recorder, role, None, application.submitted_at)]
    acts = [
        _Act.by(
            recorder, role, AuditAction.CREATE, target, creation_detail(application, plan.mission)
        )
    ]
    current = Stage.SUBMITTED
    for step in plan.steps:
        actor = staff(step.role, plan.mission, step.pick)
        reason = step.reason.strip() or None
        changes.append(_Change(current.value, step.to.value, actor, actor.role, reason, step.at))
        detail: dict[str, Any] = {"from": current.value, "to": step.to.value}
        detail["reason_given"] = reason is not None
        if step.to == Stage.ARRIVED and step.role == Role.HQ:
            detail["override"] = True  # HQ records an arrival by the workflow's override row
        acts.append(_Act.by(actor, actor.role, AuditAction.TRANSITION, target, detail))
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

    def values(self, instance: models.Model, db: BaseDatabaseWrapper) -> list[Any]:
        """The column values as ``bulk_create`` would send them (sealing included)."""
        values = [f.get_db_prep_save(f.pre_save(instance, True), db) for f in self.fields]
        # Binary columns come as memoryviews, which neither pickle (to the writer) nor copy.
        return [bytes(v) if isinstance(v, memoryview) else v for v in values]

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


class _Values:
    """Python values as the backend takes them (what the fields' ``get_db_prep_save`` do),
    for the columns written without a model instance."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db
        self.postgres = db.vendor == "postgresql"
        self._detail = AuditEntry._meta.get_field("detail")
        self._reason = StageChange._meta.get_field("reason")

    def json(self, value: dict[str, Any]) -> Any:
        return self._detail.get_db_prep_save(value, self.db)

    def uuid(self, value: uuid.UUID) -> Any:
        return value if self.postgres else value.hex

    def time(self, value: datetime.datetime) -> Any:
        return self.db.ops.adapt_datetimefield_value(value)

    def change(self, application: Application, change: _Change) -> list[Any]:
        uid = uuid.uuid4()
        reason = None
        if change.reason is not None:
            sealed = self._reason.seal_for(application.data_key.cipher(), str(uid), change.reason)
            reason = sealed.token
        return [
            self.uuid(application.pk),
            self.uuid(uid),
            change.from_stage,
            change.to_stage,
            change.actor.pk if change.actor else None,
            change.actor_role,
            reason,
            self.time(change.at),
        ]


class _Chain:
    """Numbers, links and hashes audit entries in order from the current head."""

    def __init__(self, values: _Values) -> None:
        self.values = values
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
            actor_id, username = act.actor_id, act.actor_username
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
                    self.values.time(at),
                    actor_id,
                    username,
                    act.actor_role,
                    content.action,
                    "application",
                    act.target_id,
                    self.values.json(act.detail),
                    self.hash,
                    digest,
                ]
            )
            for subject in sorted(
                entry_subjects(
                    target_type="application", target_id=act.target_id, detail=act.detail
                )
            ):
                subjects.append([self.next_id, self.values.uuid(uuid.UUID(subject))])
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


@dataclass
class ChunkRows:
    """The rows of a chunk of cases, ready to write (plain values: they cross processes)."""

    data_keys: list[list[Any]] = field(default_factory=list)
    applications: list[list[Any]] = field(default_factory=list)
    changes: list[list[Any]] = field(default_factory=list)
    digests: list[list[Any]] = field(default_factory=list)
    match_keys: list[list[Any]] = field(default_factory=list)
    acts: list[_Act] = field(default_factory=list)
    stages: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    nationalities: Counter[str] = field(default_factory=Counter)

    def __len__(self) -> int:
        return len(self.applications)


class _Tables:
    def __init__(self) -> None:
        from enlist.vault.models import DataKey

        # The connection itself: the module-level proxy costs a thread-local look-up per use.
        self.db = connections[DEFAULT_DB_ALIAS]
        self.values = _Values(self.db)
        self.data_keys = _Table(DataKey)
        self.applications = _Table(Application)
        self.changes = _Table(StageChange, with_pk=False)
        self.digests = _Table(LookupDigest, with_pk=False)
        self.match_keys = _Table(MatchKey, with_pk=False)
        self.audit = _Table(AuditEntry)
        self.subjects = _Table(AuditSubject, with_pk=False)
        assert self.audit.columns == _AUDIT_COLUMNS  # noqa: S101  # nosec B101  # the chain's row layout
        assert self.changes.columns == [  # noqa: S101  # nosec B101  # _Values.change's layout
            "application_id", "uid", "from_stage", "to_stage", "actor_id", "actor_role",
            "reason", "at",
        ]  # fmt: skip

    def rows(self, cases: Sequence[CaseRows]) -> ChunkRows:
        """Seal and convert a chunk of cases (the CPU-heavy half, run by the workers)."""
        out = ChunkRows()
        for case in cases:
            application = case.application
            out.data_keys.append(self.data_keys.values(case.data_key, self.db))
            out.applications.append(self.applications.values(application, self.db))
            pk = self.values.uuid(application.pk)
            out.digests.extend([pk, d] for d in case.digests)
            out.match_keys.extend([pk, d] for d in case.match_keys)
            out.changes.extend(self.values.change(application, c) for c in case.changes)
            out.acts.extend(case.acts)
            out.stages[application.stage] += 1
            out.channels[application.channel] += 1
            out.nationalities[application.nationality_id] += 1
        return out


class _Writer:
    """Writes chunks in order, chaining their audit entries from the current head."""

    def __init__(self, tables: _Tables) -> None:
        self.tables = tables
        self.chain = _Chain(tables.values)

    def write(self, chunk: ChunkRows) -> int:
        tables = self.tables
        entries, subjects = self.chain.rows(chunk.acts, timezone.now())
        with transaction.atomic():
            tables.data_keys.write(chunk.data_keys)
            tables.applications.write(chunk.applications)
            tables.changes.write(chunk.changes)
            tables.digests.write(chunk.digests)
            tables.match_keys.write(chunk.match_keys)
            tables.audit.write(entries)
            tables.subjects.write(subjects)
            self.chain.move_head()
        written = (chunk.data_keys, chunk.applications, chunk.changes, chunk.digests)
        return sum(map(len, written)) + len(chunk.match_keys) + len(entries) + len(subjects)


def _finish() -> None:
    """After the last chunk: id sequences past the rows written with ids, fresh statistics."""
    if connection.vendor == "postgresql":
        # Rows written with explicit ids (audit entries): move the id sequences past them.
        statements = connection.ops.sequence_reset_sql(
            no_style(), [AuditEntry, AuditSubject, StageChange, LookupDigest, MatchKey]
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _chunks(plans: Iterable[ApplicationPlan], size: int) -> Iterator[list[ApplicationPlan]]:
    chunk: list[ApplicationPlan] = []
    for plan in plans:
        chunk.append(plan)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


PlanSource = Callable[[int, int], Iterable[ApplicationPlan]]


@dataclass(frozen=True)
class _Job:
    plans: PlanSource
    workers: int
    staff: StaffPicker
    today: datetime.date
    chunk_size: int


def _chunk_rows(job: _Job, worker: int, share: int) -> Iterator[ChunkRows]:
    """Worker `worker`'s applications (`share` of them), chunk by chunk, sealed and indexed."""
    missions = {m.code: m for m in Mission.objects.all()}
    references = References(partition=(worker, job.workers))
    context = intake_context(today=job.today)
    tables = _Tables()
    for chunk in _chunks(job.plans(worker, share), job.chunk_size):
        cases = [
            case_rows(
                plan, staff=job.staff, missions=missions, references=references, context=context
            )
            for plan in chunk
        ]
        yield tables.rows(cases)


def _work(job: _Job, worker: int, share: int, queue: multiprocessing.Queue) -> None:
    """A worker process: builds its chunks and hands them to the writer, then None."""
    connections.close_all()  # never use the parent's connection
    try:
        for rows in _chunk_rows(job, worker, share):
            queue.put(rows)
    except BaseException as exc:
        queue.put(_Failed(f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        connections.close_all()
    queue.put(None)


@dataclass(frozen=True)
class _Failed:
    error: str


def _shares(count: int, workers: int) -> list[int]:
    return [count // workers + (1 if w < count % workers else 0) for w in range(workers)]


def _from_workers(job: _Job, count: int) -> Iterator[ChunkRows]:
    """Chunks from `job.workers` processes, taken in turn (each worker's order kept)."""
    context = multiprocessing.get_context("fork")
    connections.close_all()  # a forked child must not share the parent's connection
    queues = [context.Queue(maxsize=3) for _ in range(job.workers)]
    processes = [
        context.Process(target=_work, args=(job, w, share, queues[w]), daemon=True)
        for w, share in enumerate(_shares(count, job.workers))
    ]
    for process in processes:
        process.start()
    try:
        running = list(range(job.workers))
        while running:
            for w in list(running):
                rows = _next(queues[w], processes[w])
                if rows is None:
                    running.remove(w)
                elif isinstance(rows, _Failed):
                    raise RuntimeError(f"bulk worker {w} failed: {rows.error}")
                else:
                    yield rows
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=10)


def _next(queue: multiprocessing.Queue, process: multiprocessing.process.BaseProcess) -> Any:
    """The worker's next chunk; a worker that died without a word fails the build."""
    while True:
        try:
            return queue.get(timeout=5)
        except Empty:
            if not process.is_alive():
                return _Failed(f"exited with code {process.exitcode}")


def default_workers(count: int) -> int:
    """Two processes build rows while this one writes, when there is enough work: on two
    cores the build is CPU-bound in Python, and the writer's share is about a fifth."""
    cores = os.cpu_count() or 1
    return 1 if count < 20_000 or cores < 2 else min(cores, 4)


def applications_bulk_create(
    plans: PlanSource,
    *,
    count: int,
    staff: StaffPicker,
    today: datetime.date,
    progress: bool | None = None,
    chunk_size: int = CHUNK,
    workers: int = 1,
) -> BulkReport:
    """Write `count` planned applications with everything the services would have stored.

    `plans(worker, share)` gives worker number `worker` its `share` of the applications
    (with one worker: ``plans(0, count)``, all of them). With more than one worker, that many
    processes (forked) build and seal rows while this one writes them; a worker's own
    generator draws its people, so the same seed gives another (as realistic) demo.

    One transaction per chunk: an interrupted build leaves whole cases only, and a reader is
    blocked for one chunk's write at most. `progress` None shows a bar on stderr when it is
    a terminal.
    """
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A 1 GiB page cache for this connection: the digest indexes take random inserts.
            cursor.execute("PRAGMA cache_size = -1048576")
    job = _Job(plans=plans, workers=workers, staff=staff, today=today, chunk_size=chunk_size)
    source = _chunk_rows(job, 0, count) if workers == 1 else _from_workers(job, count)
    writer = _Writer(_Tables())
    report = BulkReport()
    with progress_bar(
        total=count,
        unit="application",
        desc="Writing applications",
        progress=progress,
        smoothing=0.05,
    ) as bar:
        for rows in source:
            report.rows += writer.write(rows)
            report.stages.update(rows.stages)
            report.channels.update(rows.channels)
            report.nationalities.update(rows.nationalities)
            report.applications += len(rows)
            bar.update(len(rows))
    _finish()
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
