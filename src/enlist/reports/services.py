"""Keeping the report counts current, rebuilding them, and the public statistics' snapshot.

**One hook point.** Every change to a case that the counts depend on (a submission on any
channel, a stage move by staff or by the applicant, a transfer to another mission) writes an
audit entry in its own transaction (``audit_record``). ``tallies_on_entries`` is registered as
the trail's entry listener (``reports/apps.py``): it reads the case as it now is, works out
what it counted before and adds the difference (``reports/tallies.py: change``), in the
same transaction and under the trail's head lock, so counts commit or roll back with the
change and concurrent changes are counted one after another. No service calls the reports.

The bulk generator and an operator who restores a database call
``pipeline_aggregates_rebuild``, which sums every case's contribution again.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from enlist.audit.models import AuditAction
from enlist.audit.services import SYSTEM, audit_record, audit_serialise
from enlist.cases.models import Application, StageChange
from enlist.missions.models import Country, Mission
from enlist.reports import tallies
from enlist.reports.disclosure import Policy
from enlist.reports.models import PipelineCount, PublicSnapshot
from enlist.reports.public import public_publication

if TYPE_CHECKING:
    from enlist.audit.models import AuditEntry

Progress = Callable[[int, int], None]  # (cases done, cases in all)

_TABLE = PipelineCount._meta.db_table
_COLUMNS = "measure, day, mission_id, nationality, dimension, days"
# One statement for both databases (SQLite ≥ 3.24 and PostgreSQL): add to a cell, creating it.
_UPSERT = (
    f"INSERT INTO {_TABLE} ({_COLUMNS}, count) VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608  # nosec B608  # table name from model metadata, values bound
    f"ON CONFLICT ({_COLUMNS}) DO UPDATE SET count = {_TABLE}.count + excluded.count"
)
_DROP_EMPTY = (
    f"DELETE FROM {_TABLE} WHERE count = 0 AND measure = %s AND day = %s AND mission_id = %s "  # noqa: S608  # nosec B608  # table name from model metadata, values bound
    "AND nationality = %s AND dimension = %s AND days = %s"
)
REBUILD_CHUNK = 5_000
INSERT_BATCH = 10_000
_INSERT = f"INSERT INTO {_TABLE} ({_COLUMNS}, count) VALUES (%s, %s, %s, %s, %s, %s, %s)"  # noqa: S608  # nosec B608  # table name from model metadata, values bound


_FACT_COLUMNS = (
    "pk", "mission_id", "nationality_id", "channel", "submitted_at", "stage", "stage_changed_at"
)  # fmt: skip


def _facts_of(rows: Iterable[tuple]) -> dict:
    """CaseFacts per application id for rows of ``_FACT_COLUMNS``: their stage histories are
    read in one query, so a chunk of cases costs two statements whatever its size."""
    rows = list(rows)
    moves: dict = {}
    for application_id, stage, at, role in (
        StageChange.objects.filter(application_id__in=[r[0] for r in rows])
        .order_by("application_id", "at", "pk")
        .values_list("application_id", "to_stage", "at", "actor_role")
    ):
        moves.setdefault(application_id, []).append(tallies.Move(stage, at, role))
    return {
        pk: tallies.CaseFacts(
            mission_id=mission_id,
            nationality=nationality,
            channel=channel,
            submitted_at=submitted_at,
            history=tallies.history_or_current(
                moves.get(pk, ()),
                stage=stage,
                submitted_at=submitted_at,
                stage_changed_at=changed_at,
            ),
        )
        for pk, mission_id, nationality, channel, submitted_at, stage, changed_at in rows
    }


def case_facts(application_id) -> tallies.CaseFacts | None:
    """What the counts know of one case, read from the database (no personal field)."""
    rows = list(Application.objects.filter(pk=application_id).values_list(*_FACT_COLUMNS))
    return _facts_of(rows)[rows[0][0]] if rows else None


def _new_case_facts(application: Application, actor_role: str) -> tallies.CaseFacts:
    """What ``case_facts`` would read back for a case its own transaction has just created:
    the row as written and its one history entry, the submission (intake's first
    ``StageChange``: the stage, the submission time, the role the audit entry names)."""
    return tallies.CaseFacts(
        mission_id=application.mission_id,
        nationality=application.nationality_id,
        channel=str(application.channel),
        submitted_at=application.submitted_at,
        history=(tallies.Move(str(application.stage), application.submitted_at, actor_role),),
    )


def tallies_apply(delta: Counter) -> None:
    """Add `delta` (keys of ``tallies.Key``) to the stored counts; cells that reach zero go."""
    if not delta:
        return
    rows = [(*key, n) for key, n in sorted(delta.items()) if n]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, rows)
        emptied = [key for key, n in sorted(delta.items()) if n < 0]
        if emptied:
            cursor.executemany(_DROP_EMPTY, emptied)


def _is_submission(entry: AuditEntry) -> bool:
    return (
        entry.action == AuditAction.CREATE
        and entry.target_type == "application"
        and entry.detail.get("stage") == "submitted"
        and "change" not in entry.detail
    )


def _counts_change(entry: AuditEntry) -> bool:
    if entry.target_type != "application" or entry.action not in (
        AuditAction.CREATE,
        AuditAction.TRANSITION,
        AuditAction.CHANGE,
    ):
        return False
    if entry.action == AuditAction.CHANGE:
        return entry.detail.get("change") == "transfer"
    return entry.action != AuditAction.CREATE or _is_submission(entry)


def tallies_on_entries(entries: Sequence[AuditEntry], targets: Sequence[object] = ()) -> None:
    """The audit trail's listener: count the changes these entries record (see the module).

    Called once per append with every entry it wrote (one for a single change, thousands for
    a batch import) and the targets their callers named. A submission's case is counted from
    the application the entry names, as its transaction wrote it (no read back: this runs
    under the head lock on every submission); the cases of other changes are read in chunks,
    and the counts move by one summed delta, so a batch costs a few statements, not three
    per case.
    """
    delta: Counter = Counter()
    relevant = []
    for entry, target in zip(entries, targets or [None] * len(entries), strict=True):
        if not _counts_change(entry):
            continue
        if entry.action == AuditAction.CREATE and isinstance(target, Application):
            delta.update(tallies.change(None, _new_case_facts(target, entry.actor_role)))
        else:
            relevant.append(entry)
    for first in range(0, len(relevant), REBUILD_CHUNK):
        chunk = relevant[first : first + REBUILD_CHUNK]
        ids = {entry.target_id: uuid.UUID(entry.target_id) for entry in chunk}
        facts = _facts_of(
            Application.objects.filter(pk__in=set(ids.values())).values_list(*_FACT_COLUMNS)
        )
        for entry in chunk:
            after = facts.get(ids[entry.target_id])
            if after is None:  # pragma: no cover  # the entry's own transaction wrote the case
                continue
            if entry.action == AuditAction.CREATE:
                before = None
            elif entry.action == AuditAction.TRANSITION:
                before = tallies.without_last_move(after)
            else:
                source = Mission.objects.filter(code=entry.detail["from_mission"]).values_list(
                    "pk", flat=True
                )
                before = replace(after, mission_id=source.get())
            # update(), not +=: a Counter sum would drop the negative (taken away) cells.
            delta.update(tallies.change(before, after))
    tallies_apply(delta)


def _all_contributions(progress: Progress | None) -> Counter:
    total = Application.objects.count()
    counts: Counter = Counter()
    done = 0
    last_pk = None
    while True:
        page = Application.objects.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        rows = list(page.values_list(*_FACT_COLUMNS)[:REBUILD_CHUNK])
        if not rows:
            break
        last_pk = rows[-1][0]
        for case in _facts_of(rows).values():
            counts.update(tallies.contribution(case))
        done += len(rows)
        if progress is not None:
            progress(done, total)
    return counts


@transaction.atomic
def pipeline_aggregates_rebuild(progress: Progress | None = None) -> int:
    """Recompute every report count from the cases; returns the number of count rows.

    Runs under the audit trail's head lock, so no audited change commits meanwhile and none
    is counted twice or missed. `progress(done, total)` is called after each chunk of cases.
    """
    audit_serialise()
    counts = _all_contributions(progress)
    PipelineCount.objects.all().delete()
    # Plain INSERTs in batches: a million cases make millions of rows, and model instances
    # would cost more than the statements.
    rows = [(*key, n) for key, n in counts.items() if n]
    with connection.cursor() as cursor:
        for first in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(_INSERT, rows[first : first + INSERT_BATCH])
    audit_record(
        actor=None,
        actor_role=SYSTEM,
        action=AuditAction.CHANGE,
        target=None,
        detail={"change": "reports_rebuild", "count": len(counts)},
    )
    return len(counts)


# --- public statistics ----------------------------------------------------------------------


def _sums(measure: str, group: str, *, per_nationality: bool = False) -> Iterable[tuple]:
    rows = PipelineCount.objects.filter(measure=measure, mission_id=tallies.ALL_MISSIONS)
    if per_nationality:
        rows = rows.filter(nationality__gt=tallies.ALL_NATIONALITIES)
    else:
        rows = rows.filter(nationality=tallies.ALL_NATIONALITIES)
    return rows.values_list(group).annotate(n=Sum("count")).order_by()


def public_figures(*, today: datetime.date, policy: Policy | None = None) -> dict:
    """The disclosure-controlled public figures as they stand now, ready to store."""
    by_nationality = dict(_sums(tallies.INTAKE, "nationality", per_nationality=True))
    by_stage = dict(_sums(tallies.CURRENT, "dimension"))
    by_week: Counter = Counter()
    for day, n in _sums(tallies.INTAKE, "day"):
        by_week[tallies.monday(day)] += n
    publication = public_publication(
        by_nationality=by_nationality,
        by_stage=by_stage,
        by_week=by_week,
        countries=Country.objects.values_list("code", flat=True),
        today=today,
        policy=policy,
    )
    return {
        "threshold": publication.policy.threshold,
        "rounding_base": publication.policy.base,
        "total": publication.total,
        "by_nationality": publication.tables["nationality"],
        "by_stage_group": publication.tables["stage_group"],
        "by_week": publication.tables["week"],
    }


def public_snapshot_refresh(*, now: datetime.datetime | None = None) -> PublicSnapshot:
    """Today's snapshot (UTC day): the stored one if it exists, else computed and stored.

    At most one per day (a constraint): between two refreshes the published figures do not
    move, however many applications arrive, so one new application cannot be spotted by
    comparing two answers.
    """
    now = now or timezone.now()
    today = tallies.utc_day(now)
    existing = PublicSnapshot.objects.filter(as_of=today).first()
    if existing is not None:
        return existing
    snapshot = PublicSnapshot(computed_at=now, as_of=today, figures=public_figures(today=today))
    try:
        with transaction.atomic():
            snapshot.save(force_insert=True)
    except IntegrityError:  # another process stored today's first
        return PublicSnapshot.objects.get(as_of=today)
    return snapshot


def public_snapshot_current() -> PublicSnapshot:
    """The latest snapshot; the first request of a new installation makes today's."""
    latest = PublicSnapshot.objects.order_by("-as_of").first()
    return latest or public_snapshot_refresh()
