"""`enlist backup` / `enlist restore`: a consistent online backup that holds no key.

A backup is one tar file (mode 0600):

- ``manifest.json``: format version, database engine, time, what is inside;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the server
  writes) or ``database.pgdump`` (``pg_dump --format=custom``: one snapshot transaction);
- ``uploads/…``: the stored documents and packets exactly as on disk, i.e. still sealed
  with each volunteer's data key;
- ``audit-checkpoints.jsonl``: the signed checkpoints (public facts: sizes, hashes).

Never inside: the key files (``ENLIST_DATA_DIR/keys``), the development mail folder and the
demo's logins. Data keys are in the database only wrapped by the KEK ring, which lives
elsewhere (``core/custody.py``), so the file decrypts nothing without the keys.

The database is copied first, then the uploads: a document stored in between is an extra
file the restored database does not name (harmless); one erased in between is missing, and
its case's key is destroyed by the next retention run after the restore anyway.

``backup_restore`` refuses to overwrite: the target database must hold no tables and the
uploads folder must be empty, unless ``replace=True``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from enlist.errors import EnlistError

FORMAT_VERSION = 1
SQLITE_MEMBER = "database.sqlite3"
PGDUMP_MEMBER = "database.pgdump"
CHECKPOINTS_MEMBER = "audit-checkpoints.jsonl"


class BackupError(EnlistError):
    """A backup could not be made or restored; the message says why (no personal data)."""

    status = 409


@dataclass(frozen=True)
class BackupReport:
    engine: str
    uploads: int
    checkpoints: bool
    size: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for pg_dump / pg_restore from DATABASES['default']."""
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{argv[0]} is not installed (PostgreSQL client tools)") from exc
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed: {last}")


def _database_copy(engine: str, folder: Path) -> Path:
    if engine == "sqlite":
        target = folder / SQLITE_MEMBER
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)  # pages copied under SQLite's own locking: consistent
        finally:
            copy.close()
            source.close()
        return target
    target = folder / PGDUMP_MEMBER
    args, env = _pg_env()
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
        + args,
        env,
        "pg_dump",
    )
    return target


def backup_create(*, out: Path) -> BackupReport:
    """Write a keyless backup of the database, the uploads and the checkpoints to `out`."""
    engine = _engine()
    out = out.resolve()
    if out.exists():
        raise BackupError(f"{out.name} exists: choose a new file name")
    uploads = Path(settings.MEDIA_ROOT)
    checkpoints = Path(settings.ENLIST_AUDIT_CHECKPOINT_FILE)
    count = 0
    with tempfile.TemporaryDirectory(prefix="enlist-backup-") as scratch:
        database = _database_copy(engine, Path(scratch))
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            manifest = {
                "format": FORMAT_VERSION,
                "engine": engine,
                "created": timezone.now().isoformat(),
                "database": database.name,
            }
            tar.add(database, arcname=database.name)
            if uploads.is_dir():
                for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
                    tar.add(path, arcname="uploads/" + path.relative_to(uploads).as_posix())
                    count += 1
            has_checkpoints = checkpoints.is_file()
            if has_checkpoints:
                tar.add(checkpoints, arcname=CHECKPOINTS_MEMBER)
            manifest |= {"uploads": count, "checkpoints": has_checkpoints}
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
    return BackupReport(engine, count, has_checkpoints, out.stat().st_size)


def _database_is_empty(engine: str) -> bool:
    if engine == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        if not path.exists():
            return True
    return not connection.introspection.table_names()


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refusing a backup member outside its folder: {member.name}")
        members.append(member)
    return members


def backup_restore(*, source: Path, replace: bool = False) -> BackupReport:
    """Bring back a backup made by `backup_create` into the configured database and data dir.

    Raises BackupError for a file that is not such a backup, one made on another engine, or
    (without `replace`) a target that already holds data.
    """
    engine = _engine()
    try:
        tar = tarfile.open(source, mode="r")  # noqa: SIM115  (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source.name} is not an Enlist backup") from exc
    with tar:
        members = {m.name: m for m in _safe_members(tar)}
        if "manifest.json" not in members:
            raise BackupError(f"{source.name} is not an Enlist backup (no manifest.json)")
        manifest_file = tar.extractfile(members["manifest.json"])
        if manifest_file is None:  # a folder of that name
            raise BackupError(f"{source.name} is not an Enlist backup (manifest.json is no file)")
        manifest = json.load(manifest_file)
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"backup format {manifest.get('format')!r} is not supported")
        if manifest.get("engine") != engine:
            raise BackupError(
                f"this backup is of a {manifest.get('engine')} database; "
                f"the configured one is {engine}"
            )
        uploads = Path(settings.MEDIA_ROOT)
        if not replace:
            if not _database_is_empty(engine):
                raise BackupError("the configured database is not empty (use --replace)")
            if uploads.is_dir() and any(uploads.iterdir()):
                raise BackupError(f"{uploads} is not empty (use --replace)")
        with tempfile.TemporaryDirectory(prefix="enlist-restore-") as scratch:
            folder = Path(scratch)
            tar.extractall(folder, members=list(members.values()), filter="data")
            _database_restore(engine, folder / manifest["database"], replace=replace)
            restored = folder / "uploads"
            count = 0
            if replace and uploads.is_dir():
                shutil.rmtree(uploads)
            if restored.is_dir():
                for path in sorted(p for p in restored.rglob("*") if p.is_file()):
                    target = uploads / path.relative_to(restored)
                    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    shutil.copy2(path, target)
                    count += 1
            checkpoints = folder / CHECKPOINTS_MEMBER
            if checkpoints.is_file():
                target = Path(settings.ENLIST_AUDIT_CHECKPOINT_FILE)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(checkpoints, target)
    return BackupReport(engine, count, checkpoints.is_file(), source.stat().st_size)


def _database_restore(engine: str, dump: Path, *, replace: bool) -> None:
    if engine == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        connections.close_all()
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(str(dump))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    connections.close_all()
    args, env = _pg_env()
    clean = ["--clean", "--if-exists"] if replace else []
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *clean, *args]
        + [str(dump)],
        env,
        "pg_restore",
    )
