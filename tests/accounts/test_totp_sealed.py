"""TOTP secrets are sealed by the vault: no copy of the database holds one in clear.

Checked three ways: the SQLite file (and its journal) of a real `enlist` data directory after
an enrolment, scanned for the secret in every spelling; every text and binary column of every
table of the test database (SQLite, or PostgreSQL with DATABASE_URL); and the migration that
moves django-otp's clear-text devices into sealed ones.
"""

from __future__ import annotations

import base64
import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from enlist.accounts.models import SealedTotpDevice
from enlist.accounts.totp import base32_secret, current_code, grouped
from tests.core.test_serve import run_enlist

PASSWORD = "correct horse battery staple"
migration = importlib.import_module("enlist.accounts.migrations.0004_seal_totp_secrets")
# What RunPython hands the function; the code reads only its connection.
SCHEMA_EDITOR = SimpleNamespace(connection=connection)

ENROL = """
from enlist.accounts.services import staff_add, totp_enrolment_confirm, totp_enrolment_start
from enlist.accounts.totp import base32_secret, current_code
user = staff_add(username="consul", role="hq", password="{password}")
device = totp_enrolment_start(user=user)
secret = base32_secret(device.secret)
assert totp_enrolment_confirm(device=device, code=current_code(secret)) is not None
print(secret)
"""


def spellings(secret: str) -> list[bytes]:
    """Every way the secret could sit in storage: base32 (either case, grouped), hex (either
    case), the raw key bytes and their base64."""
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return [
        secret.encode(),
        secret.lower().encode(),
        grouped(secret).encode(),
        raw.hex().encode(),
        raw.hex().upper().encode(),
        raw,
        base64.b64encode(raw).rstrip(b"="),
    ]


def test_the_sqlite_file_holds_no_totp_secret(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run_enlist(data_dir, "migrate", "--verbosity", "0")

    secret = run_enlist(
        data_dir, "shell", "--verbosity", "0", "-c", ENROL.format(password=PASSWORD)
    ).stdout.strip()

    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "enlist.sqlite3" for p in files)
    for path in files:
        content = path.read_bytes()
        for spelling in spellings(secret):
            assert spelling not in content, f"{path.name} holds the TOTP secret"


def _stored_values(table: str):
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608  (table names from introspection)
        for row in cursor.fetchall():
            for value in row:
                if isinstance(value, memoryview):
                    value = value.tobytes()
                if isinstance(value, str):
                    value = value.encode()
                if isinstance(value, bytes):
                    yield value


def test_no_column_of_any_table_holds_the_secret_after_an_enrolment(clerk_vilnius):
    client = Client()
    client.post("/staff/login/", {"username": "clerk-vilnius", "password": PASSWORD})
    page = client.get("/staff/login/enrol/").content.decode()
    device = SealedTotpDevice.objects.get(user=clerk_vilnius)
    secret = base32_secret(device.secret)
    assert grouped(secret) in page  # shown to its owner, once, on the enrolment page
    assert client.post("/staff/login/enrol/", {"code": current_code(secret)}).status_code == 200

    values = [v for table in connection.introspection.table_names() for v in _stored_values(table)]

    assert len(values) > 100  # the scan reads the real tables, sessions and audit included
    for spelling in spellings(secret):
        assert not any(spelling in value for value in values)


@pytest.fixture
def clear_text_table(db):
    """django-otp's table as the earlier releases left it, with one device in it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_totp_totpdevice (id integer PRIMARY KEY, user_id integer, "
            "name varchar(64), confirmed boolean, key varchar(80), step smallint, t0 bigint, "
            "digits smallint, tolerance smallint, drift smallint, last_t bigint)"
        )
    yield "otp_totp_totpdevice"


def test_the_migration_seals_the_clear_text_devices_and_empties_their_table(
    client, clerk_vilnius, clear_text_table
):
    key_hex = "3132333435363738393031323334353637383930"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {clear_text_table} VALUES (7, %s, 'phone', %s, %s, 30, 0, 6, 1, 0, 5)",  # noqa: S608
            [clerk_vilnius.pk, True, key_hex],
        )

    migration.seal_totp_secrets(apps, SCHEMA_EDITOR)

    (device,) = SealedTotpDevice.objects.filter(user=clerk_vilnius)
    assert (device.name, device.confirmed, device.last_t) == ("phone", True, 5)
    assert device.secret == key_hex
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {clear_text_table}")  # noqa: S608
        assert cursor.fetchone() == (0,)
    stored = SealedTotpDevice.objects.values_list("secret", flat=True).get()
    assert key_hex.encode() not in stored.token
    # The moved device signs in as before.
    client.post("/staff/login/", {"username": "clerk-vilnius", "password": PASSWORD})
    code = current_code(base32_secret(key_hex))
    assert client.post("/staff/login/code/", {"code": code})["Location"] == "/staff/"


def test_the_migration_does_nothing_without_the_old_table(db):
    migration.seal_totp_secrets(apps, SCHEMA_EDITOR)
    assert not SealedTotpDevice.objects.exists()
