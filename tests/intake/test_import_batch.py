"""The batch import path: the same rows as one application_submit per row, in bulk.

The per-row path is the oracle: what the batch stores (keys, sealed values, digests, history,
idempotency records, audit entries) and flags (pairs, their probabilities and evidence) is
checked against what ``application_submit`` and ``applications_rematch`` make of the same
people.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from enlist.audit.models import AuditAction, AuditEntry, AuditSubject
from enlist.audit.services import AuditItem, audit_record, audit_records, audit_verify
from enlist.cases.identifiers import query_terms
from enlist.cases.models import Application, Channel, LookupDigest, StageChange
from enlist.errors import IdempotencyKeyReused
from enlist.intake.imports import spreadsheet_import
from enlist.intake.models import IdempotencyRecord
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import BatchItem, application_submit, applications_submit_batch
from enlist.jobs.models import Job
from enlist.matching.models import MatchCandidate, MatchKey, MatchStatus, PersonLink
from enlist.matching.services import application_match, applications_rematch
from enlist.vault.keyring import blind_indexer
from tests.audit.conftest import _own_checkpoint_file  # noqa: F401  # own checkpoint file
from tests.factories import application_payload

HEADERS = [
    "given_name",
    "family_name",
    "given_name_native",
    "family_name_native",
    "date_of_birth",
    "nationality",
    "residence_country",
    "email",
    "phone",
    "passport_number",
    "military_experience.years",
]

STORED = {
    "given_name": "Oleksandr",
    "family_name": "Kovalenko",
    "given_name_native": "Олександр",
    "family_name_native": "Коваленко",
    "date_of_birth": "1991-03-08",
    "nationality": "UA",
    "residence_country": "UA",
    "email": "oleksandr.kovalenko@example.org",
    "phone": "+380 50 123 4567",
    "passport_number": "FE123456",
}
# The same man re-typed by a mission clerk: Russian transliteration, local phone, other mail.
RETYPED = {
    **STORED,
    "given_name": "Aleksandr",
    "given_name_native": "",
    "family_name_native": "",  # fmt: skip
    "email": "sasha.k.1991@example.net",
    "phone": "050-123-45-67",
    "passport_number": "",
}
# Every strong identifier equal: linked without review, as on arrival.
CERTAIN = {**STORED, "given_name": "Olexandr"}
# Two rows of the file that are one new person (not stored).
NEW_A = {
    "given_name": "Ingrid",
    "family_name": "Solberg",
    "given_name_native": "",
    "family_name_native": "",
    "date_of_birth": "1985-11-30",
    "nationality": "NO",
    "residence_country": "NO",
    "email": "ingrid.solberg@example.no",
    "phone": "+47 912 34 567",
    "passport_number": "NO7654321",
}
NEW_B = {**NEW_A, "email": "ingrid85@example.com", "passport_number": ""}
STRANGER = {
    "given_name": "Pedro",
    "family_name": "Garcia",
    "given_name_native": "",
    "family_name_native": "",
    "date_of_birth": "1979-06-01",
    "nationality": "ES",
    "residence_country": "ES",
    "email": "pedro.garcia@example.es",
    "phone": "",
    "passport_number": "ES99887766",
}


def submit(mission, person: dict) -> Application:
    body = {k: v or None for k, v in person.items()}
    data = ApplicationIn.model_validate(
        application_payload(mission=mission.code, **body), strict=False
    )
    return application_submit(data=data, channel=Channel.WEB).application


def sheet(tmp_path: Path, people: list[dict], name: str = "sheet.csv") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for person in people:
        writer.writerow([person.get(h, "6" if h.startswith("military") else "") for h in HEADERS])
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def open_pairs() -> dict[tuple, tuple]:
    return {
        (c.left_id, c.right_id): (round(c.probability, 9), c.evidence, c.status)
        for c in MatchCandidate.objects.all()
    }


@pytest.fixture
def stored(vilnius, countries):
    return submit(vilnius, STORED)


def test_batch_import_flags_stored_duplicates_and_duplicates_within_the_file(
    tmp_path, vilnius, stored
):
    path = sheet(tmp_path, [RETYPED, NEW_A, STRANGER, NEW_B])
    report = spreadsheet_import(path=path, mission=vilnius, actor=None)
    assert (report.rows, report.imported, len(report.rejected)) == (4, 4, 0)
    by_row = {a.import_row: a for a in Application.objects.filter(channel=Channel.IMPORT)}
    retyped, new_a, new_b = by_row[2], by_row[3], by_row[5]
    pairs = {frozenset((c.left_id, c.right_id)): c for c in MatchCandidate.objects.all()}
    assert set(pairs) == {frozenset((stored.pk, retyped.pk)), frozenset((new_a.pk, new_b.pk))}
    assert all(c.status == MatchStatus.OPEN and c.probability >= 0.9 for c in pairs.values())
    assert report.flagged == 2
    assert pairs[frozenset((stored.pk, retyped.pk))].evidence["phone"]["level"] == "exact"


def test_batch_matching_flags_what_matching_row_by_row_flags(tmp_path, vilnius, stored):
    spreadsheet_import(
        path=sheet(tmp_path, [RETYPED, NEW_A, STRANGER, NEW_B, CERTAIN]),
        mission=vilnius,
        actor=None,
    )
    batch = open_pairs()
    assert len(batch) == 4  # stored–retyped, stored–certain (linked), retyped–certain, new_a–new_b
    # The oracle: every application matched again one at a time by the arrival path.
    MatchCandidate.objects.filter(status=MatchStatus.OPEN).delete()
    applications_rematch()
    assert {k: v for k, v in open_pairs().items() if v[2] == MatchStatus.OPEN} == {
        k: v for k, v in batch.items() if v[2] == MatchStatus.OPEN
    }
    assert len(batch) >= 4


def test_a_certain_duplicate_is_linked_without_review_and_audited(tmp_path, vilnius, stored):
    spreadsheet_import(path=sheet(tmp_path, [CERTAIN]), mission=vilnius, actor=None)
    imported = Application.objects.get(channel=Channel.IMPORT)
    pair = MatchCandidate.objects.get()
    assert pair.status == MatchStatus.LINKED
    persons = set(
        PersonLink.objects.filter(application_id__in=[stored.pk, imported.pk]).values_list(
            "person_id", flat=True
        )
    )
    assert len(persons) == 1
    assert AuditEntry.objects.filter(detail__change="match_auto_link").count() == 1


def test_each_imported_row_is_stored_as_one_submission_would_store_it(tmp_path, vilnius, stored):
    spreadsheet_import(path=sheet(tmp_path, [NEW_A, STRANGER]), mission=vilnius, actor=None)
    imported = list(Application.objects.filter(channel=Channel.IMPORT).order_by("import_row"))
    assert len({a.data_key_id for a in imported} | {stored.data_key_id}) == 3
    for application in imported:
        fresh = Application.objects.get(pk=application.pk)  # read back, opened with its key
        assert fresh.reference.startswith("IL-")
        assert fresh.consent_at is None and fresh.import_row in (2, 3)
        assert (
            StageChange.objects.filter(application=application, to_stage="submitted").count() == 1
        )
        assert MatchKey.objects.filter(application=application).count() >= 8
        assert IdempotencyRecord.objects.filter(application=application).count() == 1
        entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_id=str(application.pk))
        assert entry.detail == {
            "channel": "import",
            "mission": "lt-vilnius",
            "stage": "submitted",
            "consent": "to_be_confirmed",
            "row": application.import_row,
        }
        assert AuditSubject.objects.filter(entry=entry, application_id=application.pk).exists()
    # Found by exact search like any case (its digests are the per-row path's).
    indexer = blind_indexer()
    digests = [indexer.digest(k, v) for k, v in query_terms("NO7654321")]
    assert LookupDigest.objects.filter(digest__in=digests).get().application_id == imported[0].pk
    assert len({fresh.reference for fresh in Application.objects.all()}) == 3


def test_audit_chain_verifies_after_a_batch_import(tmp_path, vilnius, stored):
    spreadsheet_import(
        path=sheet(tmp_path, [RETYPED, NEW_A, STRANGER, NEW_B, CERTAIN]),
        mission=vilnius,
        actor=None,
    )
    assert audit_verify(progress=False).result.intact
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)


def test_a_rerun_of_the_batch_creates_nothing(tmp_path, vilnius, stored):
    path = sheet(tmp_path, [RETYPED, NEW_A])
    spreadsheet_import(path=path, mission=vilnius, actor=None)
    counts = (
        Application.objects.count(),
        MatchCandidate.objects.count(),
        AuditEntry.objects.count(),
    )
    again = spreadsheet_import(path=path, mission=vilnius, actor=None)
    assert (again.imported, again.already_imported, again.flagged) == (0, 2, 0)
    assert Application.objects.count() == counts[0]
    assert MatchCandidate.objects.count() == counts[1]
    assert AuditEntry.objects.count() == counts[2] + 0  # nothing imported: no summary entry


def test_a_failure_while_batch_matching_never_loses_the_rows(
    monkeypatch, tmp_path, vilnius, stored
):
    import enlist.intake.services as services

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "applications_match_new", broken)
    report = spreadsheet_import(path=sheet(tmp_path, [RETYPED, NEW_A]), mission=vilnius, actor=None)
    assert report.imported == 2 and report.flagged == 0
    assert Application.objects.filter(channel=Channel.IMPORT).count() == 2
    assert audit_verify(progress=False).result.intact


def test_batch_submission_answers_a_retry_with_the_first_application(vilnius, countries):
    data = ApplicationIn.model_validate(application_payload(mission="lt-vilnius"), strict=False)
    items = [BatchItem(data=data, idempotency_key="k1", body=b"one")] * 2
    first = applications_submit_batch(items=items, channel=Channel.IMPORT, mission=vilnius)
    assert [s.created for s in first.submissions] == [True, False]
    assert first.submissions[0].application == first.submissions[1].application
    again = applications_submit_batch(items=items[:1], channel=Channel.IMPORT, mission=vilnius)
    assert again.submissions[0].application == first.submissions[0].application
    assert not again.submissions[0].created
    with pytest.raises(IdempotencyKeyReused):
        applications_submit_batch(
            items=[BatchItem(data=data, idempotency_key="k1", body=b"two")],
            channel=Channel.IMPORT,
            mission=vilnius,
        )
    assert Application.objects.count() == 1


def test_audit_records_chain_like_one_entry_at_a_time(settings, db):
    settings.ENLIST_AUDIT_CHECKPOINT_EVERY = 3
    audit_record(actor=None, action=AuditAction.VIEW, detail={"count": 0})
    entries = audit_records(
        [AuditItem(actor=None, action=AuditAction.VIEW, detail={"count": n}) for n in range(1, 6)]
    )
    assert [e.sequence for e in entries] == [2, 3, 4, 5, 6]
    stored = list(AuditEntry.objects.order_by("sequence"))
    assert all(b.prev_hash == a.hash for a, b in zip(stored, stored[1:], strict=False))
    assert audit_verify(progress=False).result.intact
    sizes = sorted(j.payload["size"] for j in Job.objects.filter(kind="audit.checkpoint"))
    assert sizes == [3, 6]


def test_matching_one_application_after_the_batch_sees_the_imported_rows(tmp_path, vilnius, stored):
    spreadsheet_import(path=sheet(tmp_path, [NEW_A]), mission=vilnius, actor=None)
    later = submit(vilnius, NEW_B)
    assert application_match(application=later)  # the imported row's keys are stored


def test_the_command_shows_rows_rejected_and_flagged_on_its_progress_bar(
    tmp_path, vilnius, stored, capsys
):
    path = sheet(tmp_path, [RETYPED, NEW_A, {**STRANGER, "date_of_birth": "31.02.1990"}])
    call_command("import", str(path), "--mission", "lt-vilnius", "--progress", stdout=io.StringIO())
    bar = capsys.readouterr().err
    assert "Importing" in bar and "3/3" in bar
    assert "rejected=1" in bar and "flagged=1" in bar
