"""Importing a mission's spreadsheet: every row through the one intake path, in bulk.

``spreadsheet_import`` reads the file (``intake.spreadsheet``), validates each row with the
intake contract (``intake.schemas``, the same rules and messages as the form and the API),
and creates the valid rows chunk by chunk with ``intake.services.applications_submit_batch``
(the bulk form of ``application_submit``): channel ``import``, the row number, consent "to be
confirmed", each volunteer's own data key, digests, the duplicate check by the batch matching
(against every stored case and the file's other rows), history and one chained audit entry
per case, exactly as any other channel, with bulk inserts instead of a round trip per row.

Guarantees:

- **Re-runs create no duplicates.** Each row has a stable key: the blind-index digest of the
  mission and the row's validated content (``application_submit``'s idempotency record, so
  only the HMAC is stored). A row imported before is counted as already imported.
- **Bad rows are reported, never half-imported.** Each bad row (a field the contract
  refuses, a formula without value, a row identical to an earlier one in the same file)
  is listed with its number and reasons, per field, and written to the rejects file beside
  the input (``NAME.rejects.csv``); nothing else is in it. ``all_or_nothing``: any bad row
  and nothing is imported (the rejects file still lists every bad row).
- **Dry run** validates and reports, and writes nothing at all but the rejects file.
- **Transactions.** One per chunk of ``CHUNK_ROWS`` rows by default (an unexpected error
  leaves the chunks before it imported, and a re-run skips them); all or nothing: one for
  the whole file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import CONTACT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Channel
from enlist.errors import FieldError, InvalidInput, NotPermitted
from enlist.intake.models import IdempotencyRecord, ImportMapping
from enlist.intake.schemas import IntakeContext, parse_application_data
from enlist.intake.services import (
    BatchItem,
    Consent,
    applications_submit_batch,
    intake_context,
)
from enlist.intake.spreadsheet import FIELDS, SheetError, SheetRow, read_sheet
from enlist.matching.services import RecordCache
from enlist.missions.models import Mission
from enlist.vault.keyring import blind_indexer

# Rows per transaction and per bulk insert in the default mode. An unexpected error aborts
# the import with the current chunk rolled back; earlier chunks stay, and a re-run skips
# them (stable keys).
CHUNK_ROWS = 1000


@dataclass
class RowProblem:
    number: int
    errors: list[tuple[str, str]]
    raw: list[str]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), row by row for the bad ones."""

    mission: str
    dry_run: bool
    all_or_nothing: bool
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # header → field
    unmapped: list[str] = field(default_factory=list)
    rows: int = 0
    valid: int = 0
    imported: int = 0
    already_imported: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    rejects_path: Path | None = None
    flagged: int = 0  # probable duplicates flagged for HQ's review
    done: int = 0  # rows settled so far: checked (dry run), imported, skipped or rejected

    @property
    def aborted(self) -> bool:
        """all-or-nothing with a bad row: nothing was imported."""
        return self.all_or_nothing and bool(self.rejected)


Progress = Callable[[ImportReport], None]
"""Called with the report as rows are settled (``done`` of ``rows``), chunk by chunk."""


def rejects_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def mission_mapping(mission: Mission) -> dict[str, str]:
    """The saved header → field mapping of a mission (empty: headers map themselves)."""
    saved = ImportMapping.objects.filter(mission=mission).first()
    return dict(saved.columns) if saved else {}


@transaction.atomic
def import_mapping_save(*, mission: Mission, columns: dict[str, str], actor: StaffUser) -> None:
    """Save a mission's column mapping (header → intake field); each field at most once."""
    import_actor_check(actor, mission)
    errors = [
        FieldError(f"columns.{header}", f"Unknown field: choose one of {', '.join(FIELDS)}.")
        for header, name in columns.items()
        if name not in FIELDS
    ]
    targets = [name for name in columns.values()]
    errors += [
        FieldError(f"columns.{h}", "Two columns are mapped to this field.")
        for h, name in columns.items()
        if targets.count(name) > 1
    ]
    if errors:
        raise InvalidInput(errors)
    ImportMapping.objects.update_or_create(mission=mission, defaults={"columns": columns})
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=None,
        detail={"change": "import_mapping", "mission": mission.code, "count": len(columns)},
    )


def import_actor_check(actor: StaffUser | None, mission: Mission) -> None:
    if actor is None:
        return  # the operator at the command line
    if actor.staff_role not in CONTACT_ROLES:
        raise NotPermitted("This role may not import applications.")
    if actor.mission_id is not None and actor.mission_id != mission.pk:
        raise NotPermitted("Import applications for your own mission only.")


def _row_key(mission: Mission, body: bytes) -> str:
    return f"import:{mission.code}:" + blind_indexer().digest("import-row", body.hex()).hex()


def _imported_before(items: list[BatchItem]) -> set[str]:
    """The row keys among `items` that an earlier run imported."""
    indexer = blind_indexer()
    digests = {indexer.digest("idempotency-key", item.idempotency_key): item for item in items}
    found: set[str] = set()
    keys = list(digests)
    for start in range(0, len(keys), 500):
        found.update(
            digests[bytes(d)].idempotency_key
            for d in IdempotencyRecord.objects.filter(
                key_digest__in=keys[start : start + 500]
            ).values_list("key_digest", flat=True)
        )
    return found


def spreadsheet_import(
    *,
    path: Path,
    mission: Mission,
    actor: StaffUser | None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    mapping: dict[str, str] | None = None,
    rejects_path: Path | None = None,
    content: bytes | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `path` into `mission`; see the module docstring for what is guaranteed.

    Raises SheetError for a file that cannot be read as a whole (nothing imported).
    `actor` None: the operator at the command line (audited as "system").
    """
    import_actor_check(actor, mission)
    columns = mapping if mapping is not None else mission_mapping(mission)
    sheet = read_sheet(path, mapping=columns, content=content)
    report = ImportReport(
        mission=mission.code,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        headers=sheet.headers,
        mapping={sheet.headers[i]: name for i, name in sheet.mapping.items()},
        unmapped=sheet.unmapped,
        rejects_path=rejects_path or rejects_path_for(path),
    )
    context = intake_context()
    seen: dict[str, int] = {}
    rows = list(sheet.rows)
    report.rows = len(rows)
    cache: RecordCache = {}
    held: list[BatchItem] = []  # all or nothing: imported only once every row is valid
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk: list[BatchItem] = []
        for row in rows[start : start + CHUNK_ROWS]:
            data = _validate(row, mission, context, seen)
            if data is None:
                report.rejected.append(RowProblem(row.number, row.errors, row.raw))
                report.done += 1
            else:
                report.valid += 1
                chunk.append(data)
        if dry_run or all_or_nothing:
            before = _imported_before(chunk)
            report.already_imported += len(before)
            held += [item for item in chunk if item.idempotency_key not in before]
            report.done += len(chunk) if dry_run else len(before)
        else:
            _submit_chunk(report, chunk, mission, actor, cache)
        if progress:
            progress(report)
    if all_or_nothing and not dry_run and not report.rejected:
        with transaction.atomic():
            for start in range(0, len(held), CHUNK_ROWS):
                _submit_chunk(report, held[start : start + CHUNK_ROWS], mission, actor, cache)
                if progress:
                    progress(report)
    report.done = report.rows
    _write_rejects(report)
    if not dry_run and (report.imported or report.rejected):
        audit_record(
            actor=actor,
            actor_role="system" if actor is None else None,
            action=AuditAction.CREATE,
            target=None,
            detail={
                "change": "import",
                "channel": Channel.IMPORT.value,
                "mission": mission.code,
                "count": report.imported,
                "rejected": len(report.rejected),
            },
        )
    return report


def _validate(
    row: SheetRow, mission: Mission, context: IntakeContext, seen: dict[str, int]
) -> BatchItem | None:
    data = dict(row.data)
    if data.get("mission") not in (None, mission.code):
        row.errors.append(("mission", f"This file is imported into {mission.code}."))
    data["mission"] = mission.code
    # Consent is the channel's to state: an imported row carries "to be confirmed"
    # (Consent.to_be_confirmed below), so the contract's two ticks are not the sheet's.
    data["consent"] = True
    data["legal_advisory_acknowledged"] = True
    try:
        parsed = parse_application_data(data, context=context)
    except InvalidInput as exc:
        bad_cells = {name for name, _ in row.errors}
        row.errors.extend(
            (e.field or "row", e.message) for e in exc.errors if e.field not in bad_cells
        )
        return None
    if row.errors:
        return None
    content = parsed.model_dump(mode="json", exclude={"consent", "legal_advisory_acknowledged"})
    body = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    key = _row_key(mission, body)
    first = seen.setdefault(key, row.number)
    if first != row.number:
        row.errors.append(("row", f"The same as row {first}."))
        return None
    return BatchItem(data=parsed, idempotency_key=key, body=body, import_row=row.number)


def _submit_chunk(
    report: ImportReport,
    chunk: list[BatchItem],
    mission: Mission,
    actor: StaffUser | None,
    cache: RecordCache,
) -> None:
    """One chunk through the batch intake path, in one transaction (or the caller's)."""
    if not chunk:
        return
    batch = applications_submit_batch(
        items=chunk,
        channel=Channel.IMPORT,
        mission=mission,
        actor=actor,
        consent=Consent.to_be_confirmed(),
        match_cache=cache,
    )
    created = sum(1 for s in batch.submissions if s.created)
    report.imported += created
    report.already_imported += len(chunk) - created
    report.flagged += batch.flagged
    report.done += len(chunk)


def _write_rejects(report: ImportReport) -> None:
    """Exactly the bad rows, each with its number and reasons; no file when there are none."""
    path = report.rejects_path
    if path is None:
        return
    if not report.rejected:
        path.unlink(missing_ok=True)  # a file from an earlier run would mislead
        return
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "reasons", *report.headers])
        for problem in report.rejected:
            reasons = "; ".join(f"{name}: {message}" for name, message in problem.errors)
            writer.writerow([problem.number, reasons, *problem.raw])


__all__ = [
    "ImportReport",
    "SheetError",
    "import_actor_check",
    "import_mapping_save",
    "rejects_path_for",
    "spreadsheet_import",
]
