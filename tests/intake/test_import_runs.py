"""Large imports from the staff page: queued for the worker, progress shown, result kept sealed."""

from __future__ import annotations

import csv
import datetime
import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enlist.audit.models import AuditAction, AuditEntry
from enlist.cases.models import Application
from enlist.intake.import_runs import import_runs_purge
from enlist.intake.models import ImportRun, ImportStatus
from enlist.jobs.models import Job
from enlist.vault.models import DataKey
from tests.intake.test_import import mixed_csv  # noqa: F401  # the fixture

pytestmark = pytest.mark.usefixtures("countries")


@pytest.fixture
def queued(settings, signed_in, clerk_vilnius, mixed_csv):  # noqa: F811
    settings.ENLIST_IMPORT_INLINE_BYTES = 0  # every upload goes to the worker
    client = signed_in(clerk_vilnius)
    response = client.post(
        "/staff/cases/import/",
        {
            "file": SimpleUploadedFile("sheet.csv", mixed_csv.read_bytes(), "text/csv"),
            "mission": "lt-vilnius",
        },
    )
    return client, response


def test_a_large_upload_is_queued_sealed_and_shown_as_waiting(queued):
    client, response = queued
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/import/{run.pk}/"
    assert Application.objects.count() == 0  # nothing imported inside the request
    assert Job.objects.filter(kind="intake.import", payload={"run": str(run.pk)}).count() == 1
    stored = Path(run.upload.path).read_bytes()
    assert b"Petrenko" not in stored and b"ivan1@example.org" not in stored
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "intake/import_progress.js" in page
    status = client.get(f"/staff/cases/import/{run.pk}/status").json()
    assert status == {
        "status": "queued", "finished": False, "rows": 0, "done": 0, "percent": 0,
        "imported": 0, "already_imported": 0, "rejected": 0, "flagged": 0,
    }  # fmt: skip


def test_the_worker_imports_and_the_page_shows_the_result_and_the_rejects_file(
    queued, run_jobs, clerk_vilnius
):
    client, response = queued
    assert run_jobs() >= 1
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE
    assert (run.rows, run.done, run.imported, run.rejected) == (7, 7, 3, 4)
    assert {c.recorded_by for c in Application.objects.all()} == {clerk_vilnius}
    status = client.get(f"/staff/cases/import/{run.pk}/status").json()
    assert status["finished"] and status["percent"] == 100 and status["imported"] == 3
    page = client.get(response["Location"]).content.decode()
    assert "http-equiv" not in page  # finished: no more refreshing
    assert "The same as row 2." in page
    download = client.get(f"/staff/cases/import/{run.pk}/rejects.csv")
    assert download["Content-Disposition"] == 'attachment; filename="rejects.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["3", "4", "5", "7"]  # exactly the bad rows
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, target_id=str(run.pk)).count() == 1
    # At rest the rejects file is sealed too.
    assert b"Petrenko" not in Path(run.rejects.path).read_bytes()
    assert run_jobs() == 0  # a second run of the worker changes nothing


def test_another_missions_staff_get_404_for_the_run(queued, signed_in, clerk_oslo, run_jobs):
    run_jobs()
    run = ImportRun.objects.get()
    other = signed_in(clerk_oslo)
    for url in ("", "status", "rejects.csv"):
        assert other.get(f"/staff/cases/import/{run.pk}/{url}").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_finished_runs_are_crypto_shredded_after_the_keep_period(
    settings, queued, run_jobs, django_capture_on_commit_callbacks
):
    run_jobs()
    run = ImportRun.objects.get()
    paths = [run.upload.path, run.rejects.path]
    settings.ENLIST_IMPORT_RUN_KEEP_DAYS = 14
    assert import_runs_purge(now=timezone.now() + datetime.timedelta(days=13)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert import_runs_purge(now=timezone.now() + datetime.timedelta(days=15)) == 1
    assert not ImportRun.objects.exists()
    assert DataKey.objects.get(pk=run.data_key_id).is_destroyed
    assert not any(os.path.exists(p) for p in paths)  # noqa: PTH110
    assert AuditEntry.objects.filter(action=AuditAction.ERASE, target_id=str(run.pk)).count() == 1
    assert Application.objects.count() == 3  # the imported cases follow their own retention


def test_a_long_import_renews_its_jobs_lease_as_it_goes(queued, monkeypatch):
    from enlist.intake import import_runs
    from enlist.jobs.worker import Worker

    renewed: list[datetime.datetime] = []
    real = import_runs.job_lease_extend

    def spy() -> None:
        real()
        renewed.append(Job.objects.get(kind="intake.import").leased_until)

    monkeypatch.setattr(import_runs, "job_lease_extend", spy)
    job = Worker(name="w", schedule=False).claim()
    # As if claimed 500 s ago: its lease has 100 s left when the import starts.
    first_lease = timezone.now() + datetime.timedelta(seconds=100)
    Job.objects.filter(pk=job.pk).update(leased_until=first_lease)
    Worker(name="w", schedule=False).run(job)
    assert renewed
    assert all(lease > first_lease + datetime.timedelta(seconds=300) for lease in renewed)
