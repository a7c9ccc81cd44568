"""A dump of the database (every row of every table, and on SQLite the file's bytes) holds
no personal value: what a stolen backup without the key files gives away."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from enlist.cases.services import application_transition, document_add
from tests.factories import ApplicationFactory
from tests.test_no_plaintext_leaks import hits

SECRETS = {
    "given_name": "Yaropolkdump",
    "family_name": "Zabolotnydump",
    "given_name_native": "Ярополкдамп",
    "family_name_native": "Заболотнийдамп",
    "email": "dump.probe.z9@example.org",
    "passport_number": "DQ7319264",
}
PHONE_DIGITS = "4165550199"
REASON = "Spoke to Zabolotnydump's brother"
FILE_NAME = "Zabolotnydump-passport-DQ7319264.pdf"
FILE_TEXT = b"%PDF-1.4 passport DQ7319264 of Zabolotnydump"


def _dump() -> bytes:
    """Every value of every row of every table, as bytes."""
    chunks = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview | bytearray):
                        chunks.append(bytes(value))
                    elif value is not None:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


def _leaks(data: bytes, values) -> dict[str, list[str]]:
    return {value: found for value in values if (found := hits(data, value))}


@pytest.fixture
def populated(vilnius, hq, clerk_vilnius):
    cases = []
    for n in range(3):
        values = dict(SECRETS)  # the same names for all three; email and passport unique
        if n:
            values |= {"email": f"n{n}.{SECRETS['email']}", "passport_number": f"DQ{n}00001"}
        application = ApplicationFactory(mission=vilnius, **values, phone=f"+1 416 555 01{99 - n}")
        application_transition(application=application, to="screening", actor=hq)
        application_transition(application=application, to="on_hold", actor=hq, reason=REASON)
        upload = SimpleUploadedFile(FILE_NAME, FILE_TEXT, content_type="application/pdf")
        document_add(application=application, kind="passport", upload=upload, actor=clerk_vilnius)
        cases.append(application)
    return cases


def _personal_values(cases) -> list[str]:
    values = [*SECRETS.values(), PHONE_DIGITS, REASON, FILE_NAME]
    values += [c.reference for c in cases] + [c.reference.replace("-", "") for c in cases]
    return values


def test_no_table_holds_a_personal_value(populated):
    dump = _dump()
    assert hits(dump, "lt-vilnius")  # the scan is real: clear values are found
    assert _leaks(dump, _personal_values(populated)) == {}


def _pg_dump() -> str:
    found = shutil.which("pg_dump") or max(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), default=""
    )
    assert found, "pg_dump is installed with the PostgreSQL server the tests run against"
    return found


def _sqlite_copy(tmp_path) -> bytes:
    """What backing up a SQLite deployment is: a copy of the database file."""
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    return copy.read_bytes()


def _pg_dump_output() -> bytes:
    """What backing up a PostgreSQL deployment is: pg_dump of the database."""
    db = connection.settings_dict
    command = [_pg_dump(), "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    command += ["-U", db["USER"], "-d", db["NAME"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return subprocess.run(command, check=True, capture_output=True, env=env, timeout=120).stdout  # noqa: S603


def _assert_no_personal_value(data: bytes, populated) -> None:
    assert hits(data, "Embassy of Ukraine")  # the scan is real
    leaks = _leaks(data, _personal_values(populated))
    assert leaks == {}, json.dumps(leaks, ensure_ascii=False)


@pytest.mark.postgres_only("pg_dump of a PostgreSQL database")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("countries")  # before `populated`: flushed by an earlier test?
def test_a_pg_dump_of_the_database_holds_no_personal_value(request):
    populated = request.getfixturevalue("populated")
    _assert_no_personal_value(_pg_dump_output(), populated)


@pytest.mark.sqlite_only("a copy of the SQLite database file")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("countries")  # before `populated`: flushed by an earlier test?
def test_a_copy_of_the_sqlite_file_holds_no_personal_value(tmp_path, request):
    populated = request.getfixturevalue("populated")
    _assert_no_personal_value(_sqlite_copy(tmp_path), populated)
