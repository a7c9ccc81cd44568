"""Writing the audit trail, signing checkpoints and verifying the chain.

``audit_record`` is the one way in: every service, view and API endpoint that creates,
changes or shows personal data calls it, inside its own transaction, so the entry and the
change commit or roll back together. Appends are serialised by locking the single
``AuditHead`` row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite every transaction begins
IMMEDIATE and so holds the write lock already), which makes the sequence gap-free and the
chain linear under any concurrency.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.audit import keys
from enlist.audit.chain import (
    GENESIS,
    Checkpoint,
    Entry,
    StoredEntry,
    VerificationResult,
    check_detail,
    checkpoint_sign,
    entry_hash,
    entry_subjects,
    verify_chain,
)
from enlist.audit.models import AuditAction, AuditEntry, AuditHead, AuditSubject
from enlist.core.bulk import rows_insert, values_insert
from enlist.core.progress import progress_bar

try:  # POSIX: concurrent writers of the checkpoint file take turns
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

APPLICANT = "applicant"  # actor_role when the volunteer acted (no account)
SYSTEM = "system"  # actor_role for the command line, the admin and other operator paths
ANONYMOUS = "anonymous"  # actor_role of a failed sign-in

# Target types by model; anything else is named by its model.
_TARGET_TYPES = {"cases.application": "application", "accounts.staffuser": "staff"}


# A row, or (kind, key) for what has no row of its own here (a UUID or an integer key alike).
Target = models.Model | tuple[str, str | int | uuid.UUID] | None


def _target(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        kind, key = target
        return kind, str(key)
    label = target._meta.label_lower
    return _TARGET_TYPES.get(label, target._meta.model_name or label), str(target.pk)


@dataclass(frozen=True)
class AuditItem:
    """One entry to append with ``audit_records`` (the arguments of ``audit_record``)."""

    actor: StaffUser | None
    action: AuditAction | str
    target: Target = None
    detail: Mapping[str, Any] | None = None
    actor_role: str | None = None
    actor_username: str | None = None


def audit_record(
    *,
    actor: StaffUser | None,
    action: AuditAction | str,
    target: Target = None,
    detail: Mapping[str, Any] | None = None,
    actor_role: str | None = None,
    actor_username: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail, in the caller's transaction (or a new one).

    `actor` None: the applicant acted (`actor_role` defaults to "applicant"), or an operator
    path such as the command line (`actor_role="system"`), or a failed sign-in
    (`actor_role="anonymous"`, `actor_username` the name that was tried). `target` is a model
    instance (an Application, a StaffUser) or a (type, id) pair. `detail` holds ids, stages,
    counts and field names only (``chain.DETAIL_KEYS``); anything else raises DetailError.

    Raises whatever the database raises; the caller's change then rolls back with it, so
    nothing is done that is not recorded. Every ``ENLIST_AUDIT_CHECKPOINT_EVERY`` entries a
    signed checkpoint is appended to the checkpoint file once the transaction commits.
    """
    item = AuditItem(
        actor=actor,
        action=action,
        target=target,
        detail=detail,
        actor_role=actor_role,
        actor_username=actor_username,
    )
    return audit_records([item])[0]


def audit_records(items: Sequence[AuditItem]) -> list[AuditEntry]:
    """Append several entries at once, in order, with the head locked and moved once.

    The same entries, hashes and checkpoints as calling ``audit_record`` for each item in
    turn (the chain verifies the same), in a fixed number of statements: a batch import
    records one creation per case without one round trip per case.
    """
    if not items:
        return []
    prepared = []
    for item in items:
        detail = dict(item.detail or {})
        check_detail(detail)
        prepared.append((item, AuditAction(item.action), detail, *_target(item.target)))
    every = settings.ENLIST_AUDIT_CHECKPOINT_EVERY
    with transaction.atomic(savepoint=False):
        head_sequence, head_hash = _locked_head()
        entries: list[AuditEntry] = []
        subjects: list[tuple[int, frozenset[str]]] = []
        checkpoints: list[tuple[int, str]] = []
        at = timezone.now()
        for item, action, detail, target_type, target_id in prepared:
            actor = item.actor
            if actor is not None:
                actor_id, username, role = actor.pk, actor.username, actor.role
            else:
                actor_id = None
                username = item.actor_username or ""
                role = item.actor_role or APPLICANT
            content = Entry(
                sequence=head_sequence + 1,
                at=at,
                actor_id=actor_id,
                actor_username=username[:150],
                actor_role=role,
                action=action.value,
                target_type=target_type,
                target_id=target_id,
                detail=detail,
            )
            digest = entry_hash(content, head_hash)
            entries.append(
                AuditEntry(
                    sequence=content.sequence,
                    at=content.at,
                    actor_id=actor_id,
                    actor_username=content.actor_username,
                    actor_role=role,
                    action=content.action,
                    target_type=target_type,
                    target_id=target_id,
                    detail=detail,
                    prev_hash=head_hash,
                    hash=digest,
                )
            )
            found = entry_subjects(target_type=target_type, target_id=target_id, detail=detail)
            if found:
                subjects.append((len(entries) - 1, found))
            if content.sequence % every == 0:
                checkpoints.append((content.sequence, digest))
            head_sequence, head_hash = content.sequence, digest
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            rows_insert(AuditEntry, entries)
            first = entries[0].sequence
            ids = dict(
                AuditEntry.objects.filter(
                    sequence__gte=first, sequence__lte=head_sequence
                ).values_list("sequence", "id")
            )
            for entry in entries:
                entry.pk = ids[entry.sequence]
        if subjects:
            values_insert(
                AuditSubject,
                ["entry_id", "application_id"],
                ((entries[k].pk, s) for k, found in subjects for s in sorted(found)),
            )
        with connection.cursor() as cursor:
            cursor.execute(_HEAD_MOVE, [head_sequence, head_hash, AuditHead.ONE])
        for size, digest in checkpoints:
            # A job in this transaction: a checkpoint never pins an entry that was rolled
            # back, and one that committed is always pinned (audit/jobs.py).
            from enlist.jobs.services import job_enqueue

            job_enqueue(
                kind="audit.checkpoint",
                payload={"size": size, "head": digest},
                dedupe_key=f"audit.checkpoint:{size}:{digest[:16]}",
            )
        targets = [item.target for item, *_ in prepared]
        for listener in _entry_listeners:
            listener(entries, targets)
    return entries


# Apps that keep something derived from what happens (the reports' counts) follow the trail
# instead of being called from every service: every change is recorded here, once.
EntryListener = Callable[[Sequence[AuditEntry], Sequence[Target]], None]
_entry_listeners: list[EntryListener] = []


def register_entry_listener(listener: EntryListener) -> None:
    """Call `listener(entries, targets)` after every append with the entries it wrote, in
    trail order (one for ``audit_record``, a whole batch for ``audit_records``), and the
    target each caller named (a model instance as the change left it, a (type, id) pair, or
    None: a listener need not read back a row the transaction has just written), in the entries'
    transaction and with the head still locked: what it writes commits or rolls back with the
    change, and appends reach it one after another. A listener that raises undoes the change;
    it must be quick and must not cost a statement per entry (filter on ``entry.action``
    first, read what it needs for the batch at once). Registered once (``ready()`` may run
    more than once in tests)."""
    if listener not in _entry_listeners:
        _entry_listeners.append(listener)


def audit_serialise() -> None:
    """Take the trail's head lock for the rest of the transaction: no audited change commits
    until it ends (a rebuild of derived counts runs under it)."""
    _locked_head()


# The head is read and moved by hand: these two statements run on every page view, and the
# ORM's query building cost more than the statements themselves.
_HEAD_TABLE = AuditHead._meta.db_table
_HEAD_MOVE = f"UPDATE {_HEAD_TABLE} SET sequence = %s, hash = %s WHERE id = %s"  # noqa: S608  # nosec B608  # table name from model metadata, values bound


def _locked_head() -> tuple[int, str]:
    """(sequence, hash) of the last entry, with the head row locked to this transaction."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sequence, hash FROM {_HEAD_TABLE} WHERE id = %s{lock}",  # noqa: S608  # nosec B608  # table name from model metadata, values bound
            [AuditHead.ONE],
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), row[1]
    # No head row (a flushed test database, or it was deleted): rebuild it from the last
    # entry. A concurrent append may create it first; then we lock theirs.
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, digest = last or (0, GENESIS)
    try:
        with transaction.atomic():
            AuditHead.objects.create(pk=AuditHead.ONE, sequence=sequence, hash=digest)
    except IntegrityError:
        pass
    head = AuditHead.objects.select_for_update().get(pk=AuditHead.ONE)
    return head.sequence, head.hash


# --- helpers for the places that show cases ------------------------------------------------


def audit_cases_shown(
    *,
    actor: StaffUser,
    ids: Sequence[uuid.UUID | str],
    count: int,
    page: int,
    via: str,
    search: bool = False,
    filters: Mapping[str, Any] | None = None,
) -> AuditEntry | None:
    """Record a page of cases whose names were shown: one entry per page, naming each case.

    A search is always recorded, even with no result (probing whether someone applied is
    itself an access); a list page only when it showed at least one case. Never the search
    text: it is a name, passport number, email or phone.
    """
    if not search and not ids:
        return None
    detail: dict[str, Any] = {
        "via": via,
        "count": count,
        "page": page,
        "ids": [str(i) for i in ids],
    }
    used = {k: str(v) for k, v in (filters or {}).items() if v not in (None, "")}
    if used:
        detail["filters"] = used
    action = AuditAction.SEARCH if search else AuditAction.VIEW_LIST
    return audit_record(actor=actor, action=action, target=None, detail=detail)


# --- checkpoints -------------------------------------------------------------------------


def checkpoint_file() -> Path:
    return Path(settings.ENLIST_AUDIT_CHECKPOINT_FILE)


def audit_checkpoint_pin(*, size: int, head: str) -> bool:
    """Append the checkpoint of entry #`size` (hash `head`) unless the file has it already:
    the worker may run this job twice. True when it wrote one."""
    if any(c.size == size and c.head == head for c in checkpoints_read()):
        return False
    _checkpoint_write(size=size, head=head)
    return True


def _checkpoint_write(*, size: int, head: str) -> Checkpoint:
    checkpoint = checkpoint_sign(
        size=size, head=head, at=timezone.now(), private_key=keys.signing_key()
    )
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a", encoding="ascii") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(checkpoint.to_line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def audit_checkpoint() -> Checkpoint:
    """Sign the chain as it stands (its last committed entry) and append the checkpoint to
    the checkpoint file. Record the returned line somewhere the database's writers cannot
    reach (a ticket, a notebook, another machine): it pins every entry up to it."""
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    size, head = last or (0, GENESIS)
    return _checkpoint_write(size=size, head=head)


class CheckpointFileError(Exception):
    """A line of the checkpoint file is not a checkpoint."""


def checkpoints_read(path: Path | None = None) -> list[Checkpoint]:
    path = path or checkpoint_file()
    if not path.exists():
        return []
    checkpoints = []
    with path.open(encoding="ascii", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                checkpoints.append(Checkpoint.from_line(line))
            except ValueError as exc:
                raise CheckpointFileError(f"{path}, line {number}: {exc}") from None
    return checkpoints


# --- verification ------------------------------------------------------------------------

_CHUNK = 2000


def _stored_entries() -> Iterator[StoredEntry]:
    """Every entry in sequence order with the case-index rows stored for it, in chunks."""
    after = 0
    while True:
        rows = list(AuditEntry.objects.filter(sequence__gt=after).order_by("sequence")[:_CHUNK])
        if not rows:
            return
        last = rows[-1].sequence
        subjects: dict[int, set[str]] = defaultdict(set)
        for entry_id, application_id in AuditSubject.objects.filter(
            entry__sequence__gt=after, entry__sequence__lte=last
        ).values_list("entry_id", "application_id"):
            subjects[entry_id].add(str(application_id))
        for row in rows:
            yield StoredEntry(
                entry=row.content(),
                prev_hash=row.prev_hash,
                hash=row.hash,
                subjects=frozenset(subjects.get(row.pk, ())),
            )
        after = last


@dataclass(frozen=True)
class Verification:
    result: VerificationResult
    checkpoint_path: Path


def audit_verify(*, progress: bool | None = None) -> Verification:
    """Recompute the whole chain and check it against the chain head and every signed
    checkpoint in the checkpoint file. Raises CheckpointFileError for a malformed file.

    `progress` None shows a progress bar on stderr when it is a terminal.
    """
    path = checkpoint_file()
    checkpoints = checkpoints_read(path)
    head_row = AuditHead.objects.filter(pk=AuditHead.ONE).values_list("sequence", "hash").first()
    total = AuditEntry.objects.count()
    with progress_bar(
        total=total, unit="entry", desc="Verifying the audit chain", progress=progress
    ) as bar:

        def counted() -> Iterator[StoredEntry]:
            for number, stored in enumerate(_stored_entries(), start=1):
                yield stored
                if number % 1000 == 0:
                    bar.update(1000)

        result = verify_chain(
            counted(),
            checkpoints,
            public_keys=keys.verification_keys() if checkpoints else {},
            head=head_row,
        )
    return Verification(result=result, checkpoint_path=path)
