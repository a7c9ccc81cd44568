"""The backup/restore drill: backup → a fresh machine → restore with the keys → every case
reads and `audit verify` passes; restore without the keys → no personal value readable.

Everything runs through the `enlist` command in subprocesses, each "machine" its own data
directory (and, on PostgreSQL, its own database), so nothing is shared but the backup file
and, for the machine that holds them, a copy of the key files.
"""

from __future__ import annotations

import contextlib
import json
import os
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.core.test_serve import run_enlist, subprocess_env
from tests.test_no_plaintext_leaks import hits

FAMILY_NAMES = ("Drillovenko", "Backupchuk", "Restorenko")
NATIVE = "Відновленко"
PASSPORTS = ("DR4417201", "DR4417202", "DR4417203")
EMAILS = tuple(f"drill.{n}.q3x@example.org" for n in range(3))
DOCUMENT = b"%PDF-1.4\npassport scan of Drillovenko DR4417201"
SECRETS = (*FAMILY_NAMES, NATIVE, *PASSPORTS, *EMAILS, DOCUMENT.decode()[9:])

SEED = f"""
import datetime
from django.core.files.uploadedfile import SimpleUploadedFile
from enlist.accounts.models import StaffUser
from enlist.cases.models import Channel
from enlist.cases.services import document_add, application_transition
from enlist.cases.workflow import Stage
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import application_submit, intake_context
from enlist.missions.models import Mission
Mission.objects.create(code="lt-vilnius", name="Embassy of Ukraine in Lithuania",
                       country_id="LT", city="Vilnius", timezone="Europe/Vilnius")
clerk = StaffUser.objects.create_user(username="clerk", role="clerk",
                                      mission=Mission.objects.get(code="lt-vilnius"))
for n, (family, passport, email) in enumerate(zip({FAMILY_NAMES!r}, {PASSPORTS!r}, {EMAILS!r})):
    data = ApplicationIn.model_validate(dict(
        given_name="Ivan", family_name=family, family_name_native={NATIVE!r} if n == 1 else None,
        date_of_birth=datetime.date(1990, 1, n + 1), nationality="CA", residence_country="CA",
        email=email, passport_number=passport, mission="lt-vilnius", languages=["en"],
        military_experience=dict(years=3 + n), consent=True, legal_advisory_acknowledged=True,
    ), context=intake_context())
    application = application_submit(data=data, channel=Channel.WEB, idempotency_key=f"k{{n}}",
                                     body=email.encode()).application
    if n == 0:
        document_add(application=application, kind="passport", actor=clerk,
                     upload=SimpleUploadedFile("scan.pdf", {DOCUMENT!r},
                                               content_type="application/pdf"))
        application_transition(application=application, to=Stage.SCREENING, actor=clerk,
                               reason="checked")
"""

READ = """
import hashlib, json
from enlist.cases.models import Application
rows = []
for a in Application.objects.order_by("submitted_at", "id"):
    docs = [hashlib.sha256(d.file.open("rb").read()).hexdigest() for d in a.documents.all()]
    rows.append([str(a.id), a.reference, a.stage, a.family_name, a.family_name_native,
                 a.email, a.passport_number, str(a.date_of_birth), docs])
print(json.dumps(rows))
"""


@contextlib.contextmanager
def machine(root: Path, name: str, database_url: str | None) -> Iterator[dict[str, str]]:
    """A fresh data directory (and database): the environment of one machine."""
    data_dir = root / name
    data_dir.mkdir()
    env = subprocess_env(data_dir)
    env["ENLIST_LOG_FORMAT"] = "plain"
    if database_url is None:
        yield env
        return
    server, _, base = database_url.rpartition("/")
    database = f"{base.split('?')[0]}_{name}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    env["DATABASE_URL"] = f"{server}/{database}"
    try:
        yield env
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def enlist(env: dict[str, str], *args: str, check: bool = True):
    return run_enlist(Path(env["ENLIST_DATA_DIR"]), *args, env=env, check=check)


def engines() -> list[str | None]:
    url = os.environ.get("DATABASE_URL", "")
    return [None, url] if url.startswith("postgres") else [None]


def every_file(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize("database_url", engines(), ids=lambda u: "postgresql" if u else "sqlite")
def test_backup_restores_on_a_fresh_machine_with_the_keys_and_reveals_nothing_without(
    tmp_path, database_url
):
    backup = tmp_path / "enlist.backup"
    with machine(tmp_path, "origin", database_url) as origin:
        enlist(origin, "migrate", "--verbosity", "0")
        enlist(origin, "shell", "--verbosity", "0", "-c", SEED)
        before = json.loads(enlist(origin, "shell", "--verbosity", "0", "-c", READ).stdout)
        enlist(origin, "audit", "checkpoint")
        made = enlist(origin, "backup", str(backup))
        key_dir = Path(origin["ENLIST_DATA_DIR"]) / "keys"
        keys = {p.name: p.read_bytes() for p in key_dir.iterdir()}

    # The origin was real: three cases, personal values read back, one document.
    assert [row[3] for row in before] == list(FAMILY_NAMES)
    assert [row[6] for row in before] == list(PASSPORTS)
    assert [len(row[8]) for row in before] == [1, 0, 0]
    assert "It holds no key." in made.stdout
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    # The backup holds the database, the one upload and the checkpoints; no key, no plaintext.
    with tarfile.open(backup) as tar:
        names = tar.getnames()
    database_member = "database.pgdump" if database_url else "database.sqlite3"
    uploads = [name for name in names if name.startswith("uploads/")]
    assert sorted(set(names) - set(uploads)) == sorted(
        ["manifest.json", database_member, "audit-checkpoints.jsonl"]
    )
    assert len(uploads) == 1 and uploads[0].startswith("uploads/documents/")
    content = backup.read_bytes()
    assert {value: hits(content, value) for value in SECRETS} == {v: [] for v in SECRETS}
    for key_file in keys.values():
        for line in key_file.split():
            secret = line.rpartition(b":")[2]
            assert secret not in content

    # A fresh machine with the keys: every case reads, the chain verifies.
    with machine(tmp_path, "replacement", database_url) as replacement:
        fresh_keys = Path(replacement["ENLIST_DATA_DIR"]) / "keys"
        fresh_keys.mkdir(mode=0o700)
        for name, data in keys.items():
            (fresh_keys / name).write_bytes(data)
        restored = enlist(replacement, "restore", str(backup))
        after = json.loads(enlist(replacement, "shell", "--verbosity", "0", "-c", READ).stdout)
        verify = enlist(replacement, "audit", "verify", "--no-progress", check=False)
        again = enlist(replacement, "restore", str(backup), check=False)
    assert "Restored" in restored.stdout
    assert after == before
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("intact (") and "1 checkpoints" in verify.stdout
    assert again.returncode != 0 and "not empty" in again.stderr  # never overwrites by default

    # A machine without the keys: the data comes back, but no personal value can be read.
    with machine(tmp_path, "thief", database_url) as thief:
        enlist(thief, "restore", str(backup))
        stolen = enlist(thief, "shell", "--verbosity", "0", "-c", READ, check=False)
        thief_dir = Path(thief["ENLIST_DATA_DIR"])
        on_disk = every_file(thief_dir / "uploads")
        if database_url is None:
            on_disk += every_file(thief_dir)
        else:
            dump = enlist(thief, "shell", "--verbosity", "0", "-c", DUMP_PG).stdout.encode()
            assert b"lt-vilnius" in dump  # the scan is real: clear values are found
            on_disk += dump
    assert stolen.returncode != 0
    assert not any(name in stolen.stdout for name in FAMILY_NAMES)
    assert {value: hits(on_disk, value) for value in SECRETS} == {v: [] for v in SECRETS}


DUMP_PG = """
from django.db import connection
with connection.cursor() as cursor:
    for table in connection.introspection.table_names():
        cursor.execute(f'SELECT * FROM "{table}"')
        for row in cursor.fetchall():
            print(repr(row))
"""


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    with machine(tmp_path, "target", None) as target:
        bogus = tmp_path / "bogus.tar"
        with tarfile.open(bogus, "w") as tar:
            tar.add(__file__, arcname="notes.txt")
        result = enlist(target, "restore", str(bogus), check=False)
        data_dir = Path(target["ENLIST_DATA_DIR"])
        assert result.returncode != 0
        assert "is not an Enlist backup (no manifest.json)" in result.stderr
        assert not (data_dir / "enlist.sqlite3").exists()
