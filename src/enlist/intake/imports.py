"""Importing a mission's spreadsheet: every row through the one intake path.

``spreadsheet_import`` reads the file (``intake.spreadsheet``), validates each row with the
intake contract (``intake.schemas``, the same rules and messages as the form and the API),
and creates each valid row with ``intake.services.application_submit``: channel ``import``,
the row number, consent "to be confirmed", the volunteer's own data key, digests, matching,
history and audit, exactly as any other channel.

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
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import CONTACT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Channel
from enlist.errors import FieldError, InvalidInput, NotPermitted
from enlist.intake.models import IdempotencyRecord, ImportMapping
from enlist.intake.schemas import parse_application_data
from enlist.intake.services import Consent, application_submit, intake_context
from enlist.intake.spreadsheet import FIELDS, SheetError, SheetRow, read_sheet
from enlist.missions.models import Mission
from enlist.vault.keyring import blind_indexer

Progress = Callable[[int], None]
# Rows per transaction in the default mode. An unexpected error aborts the import with the
# current batch rolled back; earlier batches stay, and a re-run skips them (stable keys).
COMMIT_EVERY = 100


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

    @property
    def aborted(self) -> bool:
        """all-or-nothing with a bad row: nothing was imported."""
        return self.all_or_nothing and bool(self.rejected)


def rejects_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def mission_mapping(mission: Mission) -> dict[str, str]:
    """The saved header → field mapping of a mission (empty: headers map themselves)."""
    saved = ImportMapping.objects.filter(mission=mission).first()
    return dict(saved.columns) if saved else {}


@transaction.atomic
def import_mapping_save(*, mission: Mission, columns: dict[str, str], actor: StaffUser) -> None:
    """Save a mission's column mapping (header → intake field); each field at most once."""
    _check_actor(actor, mission)
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


def _check_actor(actor: StaffUser | None, mission: Mission) -> None:
    if actor is None:
        return  # the operator at the command line
    if actor.staff_role not in CONTACT_ROLES:
        raise NotPermitted("This role may not import applications.")
    if actor.mission_id is not None and actor.mission_id != mission.pk:
        raise NotPermitted("Import applications for your own mission only.")


def _row_key(mission: Mission, body: bytes) -> str:
    return f"import:{mission.code}:" + blind_indexer().digest("import-row", body.hex()).hex()


def _already(key: str, body: bytes) -> bool:
    indexer = blind_indexer()
    return IdempotencyRecord.objects.filter(
        key_digest=indexer.digest("idempotency-key", key)
    ).exists()


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
    _check_actor(actor, mission)
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
    ready: list[tuple[SheetRow, Any, str, bytes]] = []
    batch: list[tuple[SheetRow, Any, str, bytes]] = []
    for row in sheet.rows:
        report.rows += 1
        parsed = _validate(row, mission, context, seen)
        if parsed is None:
            report.rejected.append(RowProblem(row.number, row.errors, row.raw))
        else:
            data, key, body = parsed
            report.valid += 1
            if dry_run or all_or_nothing:
                if _already(key, body):
                    report.already_imported += 1
                elif not dry_run:
                    ready.append((row, data, key, body))
            else:
                batch.append((row, data, key, body))
                if len(batch) >= COMMIT_EVERY:
                    _submit_batch(report, batch, actor)
                    batch = []
        if progress:
            progress(1)
    if batch:
        _submit_batch(report, batch, actor)
    if all_or_nothing and not dry_run and not report.rejected:
        _submit_batch(report, ready, actor)
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
    row: SheetRow, mission: Mission, context: Any, seen: dict[str, int]
) -> tuple[Any, str, bytes] | None:
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
    return parsed, key, body


def _submit_batch(
    report: ImportReport, batch: list[tuple[SheetRow, Any, str, bytes]], actor: StaffUser | None
) -> None:
    """Rows committed together (each still its own savepoint inside application_submit):
    one commit per COMMIT_EVERY rows instead of one per row."""
    with transaction.atomic():
        for row, data, key, body in batch:
            _submit(report, row, data, key, body, actor)


def _submit(
    report: ImportReport, row: SheetRow, data: Any, key: str, body: bytes, actor: StaffUser | None
) -> None:
    submission = application_submit(
        data=data,
        channel=Channel.IMPORT,
        actor=actor,
        idempotency_key=key,
        body=body,
        consent=Consent.to_be_confirmed(),
        import_row=row.number,
    )
    if submission.created:
        report.imported += 1
    else:
        report.already_imported += 1


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
    "import_mapping_save",
    "rejects_path_for",
    "spreadsheet_import",
]
