"""Writes on applications: transitions, blind-index digests, documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from enlist.cases.models import Application, Document, LookupDigest, StageChange
from enlist.cases.selectors import application_screening, application_search
from enlist.cases.services import (
    application_digests,
    application_index,
    application_transition,
    document_add,
    document_verify,
)
from enlist.errors import InvalidInput, NotPermitted, TransitionNotAllowed

PDF = b"%PDF-1.7 discharge papers"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas have passwords; a fast hasher keeps creating them cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _state(application: Application) -> tuple:
    row = Application.objects.get(pk=application.pk)
    return (row.stage, row.held_from, row.stage_changed_at, StageChange.objects.count())


def _pdf(name: str = "papers.pdf", content: bytes = PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _uploaded_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# application_transition


def test_transition_moves_and_records_who_when_from_to_why(vilnius_case, clerk_vilnius):
    change = application_transition(
        application=vilnius_case, to="screening", actor=clerk_vilnius, reason="  Complete. "
    )
    row = Application.objects.get(pk=vilnius_case.pk)
    assert row.stage == "screening"
    assert row.stage_changed_at == change.at
    assert (change.from_stage, change.to_stage, change.actor, change.actor_role) == (
        "submitted",
        "screening",
        clerk_vilnius,
        "clerk",
    )
    assert change.reason == "Complete."
    assert StageChange.objects.filter(application=vilnius_case).count() == 2
    # The caller's object is brought up to date too.
    assert vilnius_case.stage == "screening"
    assert vilnius_case.stage_changed_at == change.at


def test_transition_without_reason_records_none(vilnius_case, hq):
    change = application_transition(application=vilnius_case, to="screening", actor=hq)
    assert StageChange.objects.get(pk=change.pk).reason is None


def test_hold_remembers_and_resume_forgets_the_stage(vilnius_case, attache_vilnius):
    Application.objects.filter(pk=vilnius_case.pk).update(stage="interview")
    vilnius_case.refresh_from_db()
    application_transition(
        application=vilnius_case, to="on_hold", actor=attache_vilnius, reason="Sick."
    )
    row = Application.objects.get(pk=vilnius_case.pk)
    assert (row.stage, row.held_from) == ("on_hold", "interview")
    application_transition(
        application=vilnius_case, to="interview", actor=attache_vilnius, reason="Recovered."
    )
    row = Application.objects.get(pk=vilnius_case.pk)
    assert (row.stage, row.held_from) == ("interview", "")


def test_withdrawing_a_held_case_clears_held_from(vilnius_case, attache_vilnius, clerk_vilnius):
    application_transition(
        application=vilnius_case, to="on_hold", actor=attache_vilnius, reason="Paused."
    )
    application_transition(
        application=vilnius_case, to="withdrawn", actor=clerk_vilnius, reason="Asked to."
    )
    row = Application.objects.get(pk=vilnius_case.pk)
    assert (row.stage, row.held_from) == ("withdrawn", "")
    assert [c.to_stage for c in StageChange.objects.filter(application=vilnius_case)] == [
        "submitted",
        "on_hold",
        "withdrawn",
    ]


@pytest.mark.parametrize(
    ("to", "persona", "reason", "error", "field"),
    [
        ("screening", "consul_vilnius", "", NotPermitted, None),
        ("screening", "auditor", "", NotPermitted, None),
        ("visa", "clerk_vilnius", "", TransitionNotAllowed, "to"),
        ("withdrawn", "clerk_vilnius", "", InvalidInput, "reason"),
        ("flying", "hq", "", InvalidInput, "to"),
        ("", "hq", "", InvalidInput, "to"),
    ],
)
def test_refused_transition_writes_nothing(
    request, vilnius_case, to, persona, reason, error, field
):
    before = _state(vilnius_case)
    with pytest.raises(error) as excinfo:
        application_transition(
            application=vilnius_case,
            to=to,
            actor=request.getfixturevalue(persona),
            reason=reason,
        )
    assert excinfo.value.errors[0].field == field
    assert _state(vilnius_case) == before
    assert vilnius_case.stage == "submitted"


def test_transition_decides_on_the_stored_stage_not_a_stale_copy(vilnius_case, clerk_vilnius, hq):
    stale = Application.objects.get(pk=vilnius_case.pk)
    application_transition(application=vilnius_case, to="screening", actor=hq)
    # A second officer acting on the page they loaded before: the row says screening now.
    with pytest.raises(TransitionNotAllowed):
        application_transition(application=stale, to="screening", actor=clerk_vilnius)
    assert StageChange.objects.filter(application=vilnius_case).count() == 2


# blind-index digests


def test_every_identifier_gets_a_digest(vilnius_case):
    # reference, 4 latin name forms, 4 native name forms, passport, email, 2 phone forms
    assert LookupDigest.objects.filter(application=vilnius_case).count() == 13
    stored = sorted(
        bytes(d)
        for d in LookupDigest.objects.filter(application=vilnius_case).values_list(
            "digest", flat=True
        )
    )
    assert stored == application_digests(vilnius_case)


def test_reindex_replaces_the_digests(vilnius_case, clerk_vilnius):
    old_email = vilnius_case.email
    application = Application.objects.get(pk=vilnius_case.pk)
    application.email = "new.address@example.org"  # sealed with the row's key: save(), not update()
    application.save(update_fields=["email"])
    application_index(application=application)
    assert LookupDigest.objects.filter(application=vilnius_case).count() == 13
    assert application_search(user=clerk_vilnius, query=old_email).count() == 0
    assert list(application_search(user=clerk_vilnius, query="NEW.address@example.org")) == [
        application
    ]


def test_digests_hold_no_plaintext(vilnius_case):
    for digest in LookupDigest.objects.filter(application=vilnius_case):
        raw = bytes(digest.digest)
        assert len(raw) == 32
        assert b"kovalenko" not in raw.lower()


# documents


def test_clerk_adds_a_document(vilnius_case, clerk_vilnius):
    document = document_add(
        application=vilnius_case, kind="discharge_papers", upload=_pdf(), actor=clerk_vilnius
    )
    stored = Document.objects.get(pk=document.pk)
    assert stored.application_id == vilnius_case.pk
    assert (stored.kind, stored.content_type, stored.size) == (
        "discharge_papers",
        "application/pdf",
        len(PDF),
    )
    assert stored.uploaded_by == clerk_vilnius
    assert stored.verification == "pending"
    assert len(_uploaded_files()) == 1


def test_applicant_adds_a_document_without_actor(vilnius_case):
    document = document_add(application=vilnius_case, kind="military_id", upload=_pdf(), actor=None)
    assert Document.objects.get(pk=document.pk).uploaded_by is None


def test_content_type_is_guessed_from_the_name_when_missing(vilnius_case, hq):
    upload = _pdf("scan.png", b"\x89PNG....", content_type="")
    document = document_add(application=vilnius_case, kind="other", upload=upload, actor=hq)
    assert document.content_type == "image/png"


@pytest.mark.parametrize("persona", ["reception", "auditor", "admin_user"])
def test_roles_without_document_duties_cannot_add(request, vilnius_case, persona):
    with pytest.raises(NotPermitted):
        document_add(
            application=vilnius_case,
            kind="military_id",
            upload=_pdf(),
            actor=request.getfixturevalue(persona),
        )
    assert Document.objects.count() == 0
    assert _uploaded_files() == []


@pytest.mark.parametrize(
    ("kind", "upload", "fields"),
    [
        ("diploma", _pdf(), ["kind"]),
        ("military_id", _pdf("a.exe", b"MZ", "application/x-msdownload"), ["file"]),
        ("military_id", _pdf("empty.pdf", b""), ["file"]),
        ("diploma", _pdf("a.html", b"<html>", "text/html"), ["kind", "file"]),
    ],
)
def test_bad_document_is_refused_and_nothing_stored(
    vilnius_case, clerk_vilnius, kind, upload, fields
):
    upload.seek(0)
    with pytest.raises(InvalidInput) as excinfo:
        document_add(application=vilnius_case, kind=kind, upload=upload, actor=clerk_vilnius)
    assert [e.field for e in excinfo.value.errors] == fields
    assert Document.objects.count() == 0
    assert _uploaded_files() == []


def test_document_over_the_size_limit_is_refused(settings, vilnius_case, clerk_vilnius):
    settings.ENLIST_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024
    upload = _pdf(content=b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(InvalidInput) as excinfo:
        document_add(
            application=vilnius_case, kind="military_id", upload=upload, actor=clerk_vilnius
        )
    assert [(e.field, e.message) for e in excinfo.value.errors] == [
        ("file", "The file is larger than 2 MB.")
    ]
    assert Document.objects.count() == 0


def test_verified_military_document_turns_screening_to_proceed(
    vilnius_case, clerk_vilnius, attache_vilnius
):
    assert application_screening(application=vilnius_case).outcome == "needs_documents"
    document = document_add(
        application=vilnius_case, kind="service_record", upload=_pdf(), actor=clerk_vilnius
    )
    assert application_screening(application=vilnius_case).outcome == "needs_documents"
    document_verify(document=document, verification="verified", actor=attache_vilnius)
    stored = Document.objects.get(pk=document.pk)
    assert stored.verified_by == attache_vilnius
    assert stored.verified_at is not None
    recommendation = application_screening(application=vilnius_case)
    assert recommendation.outcome == "proceed"
    assert recommendation.priority == 126


def test_setting_a_document_back_to_pending_forgets_the_checker(vilnius_case, consul_vilnius):
    document = document_add(
        application=vilnius_case, kind="military_id", upload=_pdf(), actor=consul_vilnius
    )
    document_verify(document=document, verification="rejected", actor=consul_vilnius)
    document_verify(document=document, verification="pending", actor=consul_vilnius)
    stored = Document.objects.get(pk=document.pk)
    assert (stored.verification, stored.verified_by, stored.verified_at) == ("pending", None, None)


def test_verify_refuses_unknown_verdict_and_other_roles(vilnius_case, clerk_vilnius, reception):
    document = document_add(
        application=vilnius_case, kind="military_id", upload=_pdf(), actor=clerk_vilnius
    )
    with pytest.raises(InvalidInput) as excinfo:
        document_verify(document=document, verification="looks fine", actor=clerk_vilnius)
    assert [e.field for e in excinfo.value.errors] == ["verification"]
    with pytest.raises(NotPermitted):
        document_verify(document=document, verification="verified", actor=reception)
    stored = Document.objects.get(pk=document.pk)
    assert (stored.verification, stored.verified_by) == ("pending", None)
