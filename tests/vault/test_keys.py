"""`enlist keys rotate` and `enlist keys status`: KEK rotation re-wraps every data key, can be
interrupted and resumed, and afterwards the old KEK can be removed with every case readable."""

from __future__ import annotations

import base64
import datetime
import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from enlist.cases.erasure import application_shred
from enlist.cases.models import Application, Document
from enlist.cases.selectors import application_search
from enlist.cases.services import application_transition, document_add
from enlist.vault.envelope import KeyUnavailable
from enlist.vault.keyring import key_encryption_keys, reset_caches
from enlist.vault.models import DataKey
from enlist.vault.services import data_keys_rotate
from tests.factories import ApplicationFactory

CASES = 7


def _key_line(version: int) -> str:
    return f"{version}:{base64.b64encode(os.urandom(32)).decode()}\n"


def _key_file():
    return settings.ENLIST_KEY_DIR / "field.key"


def _add_kek(version: int) -> None:
    _key_file().write_text(_key_file().read_text() + _key_line(version))
    reset_caches()


def _drop_kek(version: int) -> None:
    lines = [line for line in _key_file().read_text().splitlines() if line]
    kept = [line for line in lines if not line.startswith(f"{version}:")]
    _key_file().write_text("".join(f"{line}\n" for line in kept))
    reset_caches()


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


def _everything(application: Application) -> tuple:
    """Every personal value of a case, its history reasons and its files, read back."""
    fresh = Application.objects.get(pk=application.pk)
    documents = []
    for document in Document.objects.filter(application=fresh):
        with document.file.open() as handle:
            documents.append((document.original_name, handle.read()))
    return (
        fresh.reference,
        fresh.full_name,
        fresh.native_name,
        fresh.date_of_birth,
        fresh.email,
        fresh.phone,
        fresh.passport_number,
        fresh.languages,
        fresh.military_experience,
        [h.reason for h in fresh.history.all()],
        documents,
    )


@pytest.fixture
def cases(vilnius, hq, clerk_vilnius):
    made = []
    for n in range(CASES):
        application = ApplicationFactory(mission=vilnius)
        application_transition(application=application, to="screening", actor=hq)
        application_transition(application=application, to="on_hold", actor=hq, reason=f"R{n}")
        upload = SimpleUploadedFile(f"scan{n}.pdf", b"%PDF " + bytes([n]) * 50, "application/pdf")
        document_add(application=application, kind="passport", upload=upload, actor=clerk_vilnius)
        made.append(application)
    return made


def test_rotate_then_remove_the_old_kek_and_every_case_still_reads(cases):
    before = [_everything(a) for a in cases]
    _add_kek(2)
    assert "version 1: 7\n" in _run("status")
    assert "To re-wrap: 7." in _run("status")

    output = _run("rotate", "--batch-size", "3")

    assert "Re-wrapped 7 data keys under KEK version 2." in output
    assert list(DataKey.objects.values_list("kek_version", flat=True).distinct()) == [2]
    status = _run("status")
    assert "version 2: 7 (active)" in status
    assert "No data key uses KEK version(s) 1: they can be removed." in status
    _drop_kek(1)
    assert key_encryption_keys().versions == {2}
    assert [_everything(a) for a in cases] == before


def test_rotation_changes_no_ciphertext(cases):
    def raw():
        return sorted(
            bytes(v.token) for v in Application.objects.values_list("family_name", flat=True)
        )

    before = raw()
    _add_kek(2)
    data_keys_rotate()
    assert raw() == before


def test_an_interrupted_rotation_resumes_where_it_stopped(cases):
    _add_kek(2)

    def stop(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        data_keys_rotate(batch_size=3, after_batch=stop)
    assert DataKey.objects.filter(kek_version=2).count() == 3
    assert DataKey.objects.filter(kek_version=1).count() == 4
    # Half-way, both versions are in use and every case reads.
    assert all(_everything(a)[1] for a in cases)

    report = data_keys_rotate(batch_size=3)
    assert (report.rewrapped, report.remaining) == (4, 0)
    assert data_keys_rotate().rewrapped == 0  # nothing left: a rerun is a no-op


def test_a_request_in_flight_during_rotation_keeps_reading(cases):
    loaded = Application.objects.get(pk=cases[0].pk)
    assert loaded.given_name  # the request has unwrapped the key with KEK 1
    _add_kek(2)
    data_keys_rotate()
    _drop_kek(1)
    assert loaded.family_name == cases[0].family_name
    assert Application.objects.get(pk=cases[0].pk).family_name == cases[0].family_name


def test_removing_a_kek_too_early_is_reported_and_loud(cases):
    _add_kek(2)
    _drop_kek(1)  # without rotating first
    with pytest.raises(KeyUnavailable, match="version 1"):
        _ = Application.objects.get(pk=cases[0].pk).family_name
    with pytest.raises(CommandError, match=r"KEK version\(s\) 1 are in use but not in the ring"):
        _run("status")
    with pytest.raises(CommandError, match="7 data keys are wrapped with a KEK version missing"):
        _run("rotate")


def test_destroyed_keys_are_skipped_and_counted(cases):
    Application.objects.filter(pk=cases[0].pk).update(stage="withdrawn")
    a_year_later = cases[0].submitted_at + datetime.timedelta(days=365)
    application_shred(
        application=Application.objects.get(pk=cases[0].pk), actor=None, now=a_year_later
    )
    _add_kek(2)
    assert "Re-wrapped 6 data keys" in _run("rotate")
    assert "Destroyed (erased cases): 1" in _run("status")
    assert DataKey.objects.get(pk=cases[0].data_key_id).kek_version is None


def test_a_rotation_from_the_command_line_is_audited_once_and_a_no_op_is_not(cases):
    from enlist.audit.models import AuditEntry

    _add_kek(2)
    _run("rotate")
    _run("rotate")  # nothing left to re-wrap: nothing to record

    entries = AuditEntry.objects.filter(action="key_change")
    assert [(e.actor_role, e.detail) for e in entries] == [
        ("system", {"via": "cli", "change": "rotate", "key": "field", "version": 2, "count": 7})
    ]


def test_a_bad_batch_size_is_refused(cases):
    with pytest.raises(CommandError, match="at least 1"):
        _run("rotate", "--batch-size", "0")


def test_search_keeps_working_across_a_rotation_it_has_its_own_key(cases, hq):
    wanted = cases[3]
    _add_kek(2)
    data_keys_rotate()
    _drop_kek(1)
    assert list(application_search(user=hq, query=wanted.passport_number)) == [wanted]
    assert list(application_search(user=hq, query=wanted.email.upper())) == [wanted]
    index_key = (settings.ENLIST_KEY_DIR / "index.key").read_text()
    assert index_key.split(":")[1] not in _key_file().read_text()
