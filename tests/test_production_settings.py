"""The settings production runs with, read in a fresh process that no test fixture touched.

The autouse fixtures in ``tests/conftest.py`` swap in test values for every test (a fast MD5
password hasher, per-test key and upload folders, the storage pointed at them, the mail
backend pointed at the test SMTP server), and the attack
suite lifts the hourly view limits: a test in the suite that read those settings back would
check the fixture, not the product. These run
``enlist shell`` as production starts it (``ENLIST_ENV=production``, explicit secret and
hosts, keys from the environment, SMTP) and assert what Django actually built.
"""

from __future__ import annotations

import json

import pytest

from tests.accounts.test_security_headers import production_env
from tests.core.test_serve import run_enlist

REPORT = """
import json
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "storage": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "storage_location": str(default_storage.location),
    "media_root": str(settings.MEDIA_ROOT),
    "hashers": settings.PASSWORD_HASHERS,
    "key_dir": str(settings.ENLIST_KEY_DIR),
    "generate_keys": settings.ENLIST_GENERATE_KEYS,
    "checkpoint_every": settings.ENLIST_AUDIT_CHECKPOINT_EVERY,
    "checkpoint_file": str(settings.ENLIST_AUDIT_CHECKPOINT_FILE),
    "debug": settings.DEBUG,
    "view_limits": settings.ENLIST_VIEW_LIMITS,
    "need_to_know_minutes": settings.ENLIST_NEED_TO_KNOW_MINUTES,
    "email": [settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,
              settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT],
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("production")
    env = production_env(data_dir)  # every secret set, keys in the environment, SMTP
    done = run_enlist(data_dir, "shell", "-c", REPORT, env=env)
    return data_dir.resolve(), json.loads(done.stdout.strip().splitlines()[-1])


def test_documents_are_stored_by_the_encrypted_storage_under_the_data_dir(production):
    data_dir, report = production
    assert report["storage"] == "enlist.vault.storage.EncryptedFileStorage"
    assert report["media_root"] == str(data_dir / "uploads")
    assert report["storage_location"] == str(data_dir / "uploads")


def test_passwords_are_hashed_with_argon2id_first(production):
    _, report = production
    assert report["hashers"] == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]


def test_keys_are_never_generated_nor_written_beside_the_data(production):
    data_dir, report = production
    assert report["generate_keys"] is False
    assert report["debug"] is False
    assert not (data_dir / "keys").exists()  # production keys come from outside the data dir


def test_audit_checkpoints_every_1000_entries_to_a_file_under_the_data_dir(production):
    data_dir, report = production
    assert report["checkpoint_every"] == 1000
    assert report["checkpoint_file"] == str(data_dir / "audit-checkpoints.jsonl")


def test_hourly_case_view_limits_per_role(production):
    _, report = production
    assert report["view_limits"] == {
        "clerk": [60, 120],
        "attache": [40, 80],
        "consul": [40, 80],
        "reception": [60, 120],
        "hq": [150, 300],
        "auditor": [20, 40],
        "admin": [20, 40],
    }
    assert report["need_to_know_minutes"] == 30


def test_mail_goes_by_smtp_with_starttls_through_the_backend_that_reports_partial_refusals(
    production,
):
    _, report = production
    assert report["email"] == ["enlist.core.mail.SMTPBackend", "smtp.enlist.example", 587, True, 30]
