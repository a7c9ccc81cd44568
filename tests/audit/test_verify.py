"""`enlist audit verify` and `enlist audit checkpoint` on a real database, against each way
of tampering the issue names: edit, delete, insert, swap, truncate, and recompute."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from enlist.audit import keys
from enlist.audit.chain import GENESIS, Checkpoint, entry_hash, key_id
from enlist.audit.checks import signing_key_check
from enlist.audit.models import AuditEntry, AuditHead, AuditSubject
from enlist.audit.services import audit_record
from tests.audit.conftest import checkpoint, column_value, delete_entries, tampering, verify

pytestmark = pytest.mark.django_db

CASE = "0b9c2a59-3f0e-4b55-8a3c-33e3b1f9c001"


@pytest.fixture
def trail(db):
    """Ten entries, numbered 1..10, of the kinds the app writes."""
    for number in range(10):
        audit_record(
            actor=None,
            actor_role="system",
            action="view" if number % 2 else "search",
            target=("application", CASE) if number % 2 else None,
            detail={"via": "api", "count": number, "ids": [CASE] if number % 3 == 0 else []},
        )
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, 11))
    return AuditEntry.objects.order_by("sequence")


def test_an_untouched_trail_verifies(trail):
    checkpoint()

    assert verify() == (0, "intact (10 entries, 1 checkpoints)\n")


def test_an_empty_trail_verifies(db):
    assert verify() == (0, "intact (0 entries, 0 checkpoints)\n")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor_username", "someone-else"),
        ("actor_role", "hq"),
        ("action", "create"),
        ("target_id", "0b9c2a59-3f0e-4b55-8a3c-33e3b1f9c002"),
        ("detail", {"via": "web", "count": 4, "ids": []}),
        ("at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
    ],
)
def test_one_field_of_one_row_edited_fails_naming_the_entry(trail, field, value):
    with tampering() as cursor:
        cursor.execute(
            f"UPDATE audit_auditentry SET {field} = %s WHERE sequence = 5",  # noqa: S608
            [column_value(field, value)],
        )

    code, output = verify()

    assert code == 1
    assert (
        output
        == "broken at entry #5: entry #5 was altered: its content no longer matches its hash\n"
    )


def test_one_row_deleted_fails_naming_it(trail):
    with tampering() as cursor:
        delete_entries(cursor, [4])

    assert verify() == (
        1,
        "broken at entry #4: entry #4 is missing: the chain jumps from #3 to #5 (deleted)\n",
    )


def test_one_row_inserted_fails_naming_it(trail):
    """A careful forger: the new row links to #3 and the rows after it are renumbered."""
    third = AuditEntry.objects.get(sequence=3)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET sequence = sequence + 1000 WHERE sequence > 3")
        cursor.execute(
            "UPDATE audit_auditentry SET sequence = sequence - 999 WHERE sequence > 1000"
        )
    forged = AuditEntry(
        sequence=4,
        at=timezone.now(),
        actor_username="nobody",
        actor_role="system",
        action="search",
        detail={},
        prev_hash=third.hash,
    )
    forged.hash = entry_hash(forged.content(), third.hash)
    forged.save(force_insert=True)

    assert verify() == (
        1,
        "broken at entry #4: entry #4 was inserted: entry #5 links past it to entry #3\n",
    )


@pytest.mark.parametrize(("first", "second"), [(3, 4), (2, 8)])
def test_two_rows_swapped_fails_naming_the_first(trail, first, second):
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET sequence = -1 WHERE sequence = %s", [first])
        cursor.execute(
            "UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s", [first, second]
        )
        cursor.execute("UPDATE audit_auditentry SET sequence = %s WHERE sequence = -1", [second])

    code, output = verify()

    assert code == 1
    assert output.startswith(f"broken at entry #{first}: entry #{first} does not follow")


def test_the_last_rows_truncated_fails_naming_the_first_missing(trail):
    with tampering() as cursor:
        delete_entries(cursor, [9, 10])

    assert verify() == (
        1,
        "broken at entry #9: entries #9 to #10 are missing: the chain head records 10 entries, "
        "the chain ends at #8 (truncated)\n",
    )


def test_truncation_with_the_head_rewritten_too_is_caught_by_a_checkpoint(trail):
    checkpoint()
    with tampering() as cursor:
        delete_entries(cursor, [8, 9, 10])
    seventh = AuditEntry.objects.get(sequence=7)
    AuditHead.objects.filter(pk=1).update(sequence=7, hash=seventh.hash)

    code, output = verify()

    assert code == 1
    assert output.startswith("broken at entry #8: entries #8 to #10 are missing: the signed")
    assert "(truncated)" in output


def test_the_whole_chain_recomputed_after_an_edit_is_caught_by_a_checkpoint(trail):
    """The forger edits entry #6 and recomputes every hash after it, and the head: the chain
    is consistent again, but the signed checkpoint pins what it was."""
    checkpoint()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_username = 'nobody' WHERE sequence = 6")
        prev = AuditEntry.objects.get(sequence=5).hash
        for entry in AuditEntry.objects.filter(sequence__gte=6).order_by("sequence"):
            digest = entry_hash(entry.content(), prev)
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, entry.pk],
            )
            prev = digest
    AuditHead.objects.filter(pk=1).update(hash=prev)

    code, output = verify()

    assert code == 1
    assert output.startswith(
        "broken at entry #10: entry #10 does not match the signed checkpoint of "
    )
    assert output.endswith(
        "the chain up to it was rewritten (the change lies between entries #1 and #10)\n"
    )


def test_a_rewrite_is_located_between_the_checkpoints_around_it(db, settings):
    for _ in range(3):
        audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
    checkpoint()
    for _ in range(5):
        audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
    checkpoint()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'view' WHERE sequence = 5")
        prev = AuditEntry.objects.get(sequence=4).hash
        for entry in AuditEntry.objects.filter(sequence__gte=5).order_by("sequence"):
            digest = entry_hash(entry.content(), prev)
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, entry.pk],
            )
            prev = digest
    AuditHead.objects.filter(pk=1).update(hash=prev)

    code, output = verify()

    assert code == 1
    assert "broken at entry #8:" in output
    assert "between entries #4 and #8" in output


def test_an_edited_case_index_row_fails_naming_the_entry(trail):
    entry = AuditEntry.objects.get(sequence=4)  # a view of CASE
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditsubject SET application_id = %s WHERE entry_id = %s",
            [
                AuditSubject._meta.get_field("application_id").get_db_prep_value(
                    uuid.UUID("0b9c2a59-3f0e-4b55-8a3c-33e3b1f9c0ff"), connection
                ),
                entry.pk,
            ],
        )

    code, output = verify()

    assert code == 1
    assert output.startswith("broken at entry #4: entry #4 was altered: the cases it is indexed")


def test_a_checkpoint_line_edited_in_the_file_fails(trail, settings):
    line = json.loads(checkpoint())
    line["size"], line["head"] = 9, AuditEntry.objects.get(sequence=9).hash
    settings.ENLIST_AUDIT_CHECKPOINT_FILE.write_text(json.dumps(line) + "\n")

    code, output = verify()

    assert code == 1
    assert "broken at entry #9: the checkpoint for entry #9" in output
    assert "has no valid signature from a known key" in output


def test_a_malformed_checkpoint_file_fails(trail, settings):
    checkpoint()
    with settings.ENLIST_AUDIT_CHECKPOINT_FILE.open("a") as handle:
        handle.write("{not json\n")

    code, output = verify()

    assert code == 1
    assert "the checkpoint file is damaged" in output
    assert "line 2" in output


def test_checkpoint_prints_the_signed_line_and_appends_it_to_the_file(trail, settings):
    line = checkpoint()

    parsed = Checkpoint.from_line(line)
    assert (parsed.size, parsed.head) == (10, AuditEntry.objects.get(sequence=10).hash)
    assert parsed.key_id == key_id(keys.signing_key().public_key())
    assert settings.ENLIST_AUDIT_CHECKPOINT_FILE.read_text() == line + "\n"


def test_checkpoint_of_an_empty_trail_pins_the_genesis(db):
    assert Checkpoint.from_line(checkpoint()).head == GENESIS
    assert verify() == (0, "intact (0 entries, 1 checkpoints)\n")


def test_a_checkpoint_is_written_every_n_entries_by_the_worker(db, settings, run_jobs):
    settings.ENLIST_AUDIT_CHECKPOINT_EVERY = 3
    for _ in range(7):
        audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
    assert run_jobs() == 2
    assert run_jobs() == 0

    lines = settings.ENLIST_AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    assert [Checkpoint.from_line(line).size for line in lines] == [3, 6]
    assert verify() == (0, "intact (7 entries, 2 checkpoints)\n")


def test_no_checkpoint_pins_an_entry_that_was_rolled_back(db, settings, run_jobs):
    from django.db import transaction

    from enlist.jobs.models import Job

    settings.ENLIST_AUDIT_CHECKPOINT_EVERY = 2
    audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
        raise RuntimeError("the change failed")

    assert not Job.objects.filter(kind="audit.checkpoint").exists()  # rolled back with it
    assert run_jobs() == 0
    assert not settings.ENLIST_AUDIT_CHECKPOINT_FILE.exists()
    assert verify() == (0, "intact (1 entries, 0 checkpoints)\n")


def test_progress_bar_goes_to_stderr(trail, capsys):
    call_command("audit", "verify", "--progress")

    captured = capsys.readouterr()
    assert "Verifying the audit chain" in captured.err
    assert captured.out == "intact (10 entries, 0 checkpoints)\n"


def test_the_signing_key_comes_from_the_environment(db, monkeypatch, settings):
    key = "1:" + "A" * 43 + "="
    monkeypatch.setenv("ENLIST_AUDIT_SIGNING_KEY", key)
    keys.reset_caches()

    line = checkpoint()

    assert not (settings.ENLIST_KEY_DIR / "audit-signing.key").exists()
    assert Checkpoint.from_line(line).key_id == key_id(keys.signing_key().public_key())


def test_development_generates_a_private_key_file(db, settings):
    checkpoint()

    path = settings.ENLIST_KEY_DIR / "audit-signing.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().startswith("1:")


def test_an_old_signing_key_still_verifies_its_checkpoints_after_rotation(trail, monkeypatch):
    first = "1:" + "A" * 43 + "="
    monkeypatch.setenv("ENLIST_AUDIT_SIGNING_KEY", first)
    keys.reset_caches()
    checkpoint()
    monkeypatch.setenv("ENLIST_AUDIT_SIGNING_KEY", f"{first}\n2:{'B' * 43}=")
    keys.reset_caches()
    audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
    checkpoint()

    assert verify() == (0, "intact (11 entries, 2 checkpoints)\n")


def test_production_without_a_signing_key_fails_its_system_check(db, settings, monkeypatch):
    monkeypatch.delenv("ENLIST_AUDIT_SIGNING_KEY", raising=False)
    settings.ENLIST_GENERATE_KEYS = False
    keys.reset_caches()

    assert [message.id for message in signing_key_check()] == ["enlist.audit.E001"]
    with pytest.raises(ImproperlyConfigured, match="ENLIST_AUDIT_SIGNING_KEY"):
        keys.signing_key()
    monkeypatch.setenv("ENLIST_AUDIT_SIGNING_KEY", "1:" + "A" * 43 + "=")
    keys.reset_caches()
    assert signing_key_check() == []
