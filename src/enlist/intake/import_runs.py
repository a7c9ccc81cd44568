"""Imports from the staff page that run in the worker, with progress the page can show.

A file larger than ``ENLIST_IMPORT_INLINE_BYTES`` is not imported inside the request: the
page seals the upload with the run's own data key (``ImportRun``), queues the job
``intake.import`` (the run's id only) in the same transaction and shows the run's page, which
refreshes itself (a meta refresh without JavaScript, a fetch of ``status`` with it) until the
worker has finished. The worker runs the one import service (``imports.spreadsheet_import``)
as the staff member who started it, writes the counts after every chunk, and seals the
rejects file and the per-row problems with the run's key. Nothing of the file is in clear at
rest; the temporary plaintext copy lives in a private directory only while it is read.

Who sees a run: its mission's staff of the contact roles and HQ (``import_run_access``;
anyone else 404). Downloading the rejects file is audited as an export.
"""

from __future__ import annotations

import datetime
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import CONTACT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.errors import FieldError, InvalidInput, NotFound
from enlist.intake.imports import ImportReport, SheetError, import_actor_check, spreadsheet_import
from enlist.intake.models import ImportRun, ImportStatus
from enlist.jobs.services import job_enqueue, job_lease_extend
from enlist.missions.models import Mission
from enlist.vault.models import Destruction
from enlist.vault.services import data_key_create, data_key_shred

SUFFIXES = (".csv", ".xlsx")


@transaction.atomic
def import_run_start(
    *,
    actor: StaffUser,
    mission: Mission,
    content: bytes,
    suffix: str,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    mapping: dict[str, str] | None = None,
) -> ImportRun:
    """Seal the upload with a new data key and queue its import for the worker. Audited."""
    import_actor_check(actor, mission)
    if suffix not in SUFFIXES:
        raise InvalidInput([FieldError("file", "Import a .csv or .xlsx file.")])
    run = ImportRun(
        data_key=data_key_create(),
        mission=mission,
        created_by=actor,
        suffix=suffix,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        mapping=mapping or {},
    )
    run.upload.save("upload", ContentFile(content), save=False)
    run.save(force_insert=True)
    job_enqueue(kind="intake.import", payload={"run": str(run.pk)}, dedupe_key=f"import:{run.pk}")
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=("import_run", run.pk),
        detail={"change": "import_queued", "mission": mission.code, "channel": "import"},
    )
    return run


def _save_progress(run: ImportRun, report: ImportReport) -> None:
    # A plain UPDATE after each chunk (committed at once, except inside an all-or-nothing
    # import's one transaction): the page reads these numbers while the import goes on. The
    # job's lease is renewed with it: a long import is never claimed by a second worker.
    job_lease_extend()
    ImportRun.objects.filter(pk=run.pk).update(
        rows=report.rows,
        done=report.done,
        imported=report.imported,
        already_imported=report.already_imported,
        rejected=len(report.rejected),
        flagged=report.flagged,
    )


def import_run_execute(*, run_id: str) -> ImportRun:
    """The worker's part: import the sealed upload as the staff member who started it.

    Runs once: a run already finished is left as it is (a retried job changes nothing).
    """
    run = ImportRun.objects.select_related("data_key", "mission", "created_by").get(pk=run_id)
    if run.finished:
        return run
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    with tempfile.TemporaryDirectory(prefix="enlist-import-") as directory:
        path = Path(directory) / f"upload{run.suffix}"
        with run.upload.open("rb") as sealed:
            path.write_bytes(sealed.read())
        rejects_path = Path(directory) / "rejects.csv"
        try:
            report = spreadsheet_import(
                path=path,
                mission=run.mission,
                actor=run.created_by,
                dry_run=run.dry_run,
                all_or_nothing=run.all_or_nothing,
                mapping=run.mapping or None,
                rejects_path=rejects_path,
                progress=lambda report: _save_progress(run, report),
            )
        except SheetError as exc:
            return _finish(run, status=ImportStatus.FAILED, error=str(exc)[:300])
        run.problems = [
            [problem.number, name, message]
            for problem in report.rejected
            for name, message in problem.errors
        ]
        if rejects_path.exists():
            run.rejects.save("rejects", ContentFile(rejects_path.read_bytes()), save=False)
    _save_progress(run, report)
    run.refresh_from_db(fields=["rows", "done", "imported", "already_imported", "rejected"])
    return _finish(run, status=ImportStatus.DONE)


def _finish(run: ImportRun, *, status: ImportStatus, error: str = "") -> ImportRun:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "problems", "rejects"])
    return run


def import_run_access(*, user: StaffUser, run_id: uuid.UUID | str) -> ImportRun:
    """The run if `user` may see it (its mission's contact staff, HQ); NotFound otherwise,
    for "not yours" and "does not exist" alike."""
    run = (
        ImportRun.objects.select_related("data_key", "mission").filter(pk=run_id).first()
        if _is_uuid(run_id)
        else None
    )
    if (
        run is None
        or user.staff_role not in CONTACT_ROLES
        or (user.mission_id is not None and user.mission_id != run.mission_id)
    ):
        raise NotFound("No such import.")
    return run


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def import_run_rejects(*, run: ImportRun, actor: StaffUser) -> bytes:
    """The rejects file (exactly the bad rows, with reasons), opened for `actor`. Audited."""
    if not run.rejects:
        raise NotFound("This import has no rejected rows.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            target=("import_run", run.pk),
            detail={"change": "import_rejects", "count": run.rejected, "via": "web"},
        )
    with run.rejects.open("rb") as sealed:
        return sealed.read()


def import_runs_purge(*, now: datetime.datetime | None = None) -> int:
    """Crypto-shred the runs finished more than ``ENLIST_IMPORT_RUN_KEEP_DAYS`` ago (their
    upload, rejects and problems), then delete them. Audited per run. Returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ENLIST_IMPORT_RUN_KEEP_DAYS)
    purged = 0
    for run in ImportRun.objects.filter(finished_at__lt=cutoff).select_related("data_key"):
        with transaction.atomic():
            data_key_shred(data_key=run.data_key, destruction=Destruction.RETENTION)
            ImportRun.objects.filter(pk=run.pk).delete()
            audit_record(
                actor=None,
                actor_role="system",
                action=AuditAction.ERASE,
                target=("import_run", run.pk),
                detail={"rule": "import_run"},
            )
        purged += 1
    return purged
