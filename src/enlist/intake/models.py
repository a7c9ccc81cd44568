"""Idempotency records for intake: a retried submission returns the first answer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.vault.fields import EncryptedField, KeyBinding
from enlist.vault.storage import EncryptedFileField


class IdempotencyRecord(models.Model):
    """Remembers which application an Idempotency-Key created, and a keyed digest of its body.

    The body itself is not kept (it is personal data); its HMAC is enough to tell a retry
    from a different request reusing the key.
    """

    key_digest = models.BinaryField(max_length=32, unique=True)
    body_digest = models.BinaryField(max_length=32)
    application = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"idempotency record #{self.pk}"


class ImportMapping(models.Model):
    """A mission's saved spreadsheet mapping: column header → intake field
    (``intake.spreadsheet.FIELDS``). Headers are staff's own labels, not personal data."""

    mission = models.OneToOneField(
        "missions.Mission", on_delete=models.CASCADE, related_name="import_mapping"
    )
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import mapping of mission #{self.mission_id}"


def _sealed_path(instance: models.Model, filename: str) -> str:
    # Random: no file name reaches the disk (the upload's name may name the people in it).
    return f"imports/{uuid.uuid4().hex}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """A spreadsheet import from the staff page that runs in the worker (large files).

    The upload, the rejects file and the per-row problems are sealed with the run's own data
    key: the volunteers in the file have no case yet to be sealed with. Counts and status are
    in clear (they name no one) so the page can show progress. ``import_runs_purge`` deletes
    a finished run's files and destroys its key after ``ENLIST_IMPORT_RUN_KEEP_DAYS``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    suffix = models.CharField(max_length=5)  # ".csv" or ".xlsx": how to read the upload
    dry_run = models.BooleanField(default=False)
    all_or_nothing = models.BooleanField(default=False)
    mapping = models.JSONField(default=dict, blank=True)  # header → field (staff's labels)
    upload = EncryptedFileField(upload_to=_sealed_path, max_length=200, null=True, blank=True)
    rejects = EncryptedFileField(upload_to=_sealed_path, max_length=200, null=True, blank=True)
    problems = EncryptedField(kind="json", null=True)  # [[row, field, message], ...]
    rows = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)  # why the file could not be read

    vault_binding = KeyBinding(key="data_key")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import run {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.rows) if self.rows else 0
