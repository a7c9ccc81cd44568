"""Crypto-shredding: a case past its retention period, or erased at the applicant's request,
cannot be read with any key that remains, and still counts in the statistics."""

from __future__ import annotations

import base64
import datetime
import io
import itertools
import os
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from enlist.cases.erasure import (
    application_shred,
    applications_due_for_erasure,
    retention_run,
)
from enlist.cases.models import Application, Document, LookupDigest, StageChange
from enlist.cases.selectors import application_search
from enlist.cases.services import application_transition, document_add
from enlist.errors import InvalidInput, NotPermitted
from enlist.intake.models import IdempotencyRecord
from enlist.vault.crypto import DecryptionError
from enlist.vault.envelope import DataErased, WrappedKey, field_context, file_context
from enlist.vault.keyring import _load, key_encryption_keys, reset_caches
from enlist.vault.models import DataKey, Destruction
from tests.conftest import sign_in
from tests.factories import ApplicationFactory

NOW = timezone.now()
PDF = b"%PDF-1.4 passport of Shredded Person, number SH7777777"
ENCRYPTED_COLUMNS = (
    "reference",
    "given_name",
    "family_name",
    "given_name_native",
    "family_name_native",
    "date_of_birth",
    "residence_country",
    "email",
    "phone",
    "passport_number",
    "languages",
    "military_experience",
)


def closed_case(mission, *, stage: str, days_ago: float, nationality: str = "CA", **values):
    """A case that reached final `stage` `days_ago` days ago."""
    application = ApplicationFactory(
        mission=mission, stage=stage, nationality=nationality, **values
    )
    Application.objects.filter(pk=application.pk).update(
        stage_changed_at=NOW - datetime.timedelta(days=days_ago)
    )
    return Application.objects.get(pk=application.pk)


def raw_row(application: Application) -> dict[str, bytes]:
    pk = Application._meta.pk.get_db_prep_value(application.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(ENCRYPTED_COLUMNS)} FROM cases_application WHERE id = %s",  # noqa: S608
            [pk],
        )
        row = cursor.fetchone()
    return {c: bytes(v) for c, v in zip(ENCRYPTED_COLUMNS, row, strict=True) if v is not None}


@pytest.fixture
def shreddable(vilnius, hq, clerk_vilnius):
    """A rejected case, decided 100 days ago, with a document and a reasoned history."""
    application = ApplicationFactory(
        mission=vilnius, family_name="Shredded", given_name="Person", passport_number="SH7777777"
    )
    application_transition(application=application, to="screening", actor=hq)
    application_transition(application=application, to="rejected", actor=hq, reason="No service")
    upload = SimpleUploadedFile("Shredded.pdf", PDF, content_type="application/pdf")
    document_add(application=application, kind="passport", upload=upload, actor=clerk_vilnius)
    Application.objects.filter(pk=application.pk).update(
        stage_changed_at=NOW - datetime.timedelta(days=100)
    )
    return Application.objects.get(pk=application.pk)


# --- what shredding leaves ------------------------------------------------------------------


def test_after_shredding_no_remaining_key_opens_the_case(
    shreddable, django_capture_on_commit_callbacks
):
    document = shreddable.documents.get()
    file_path = Path(settings.MEDIA_ROOT) / document.file.name
    sealed_file = file_path.read_bytes()  # as a backup of the uploads folder would hold it
    columns = raw_row(shreddable)
    ((uid, reason),) = StageChange.objects.filter(reason__isnull=False).values_list("uid", "reason")

    with django_capture_on_commit_callbacks(execute=True):
        assert application_shred(application=shreddable, actor=None, now=NOW) is True

    data_key = DataKey.objects.get(pk=shreddable.data_key_id)
    assert (data_key.wrapped, data_key.kek_version) == (None, None)
    assert data_key.destroyed_at is not None
    assert data_key.destruction == Destruction.RETENTION
    assert not file_path.exists()
    # the ciphertext is deleted too (issue 13); a copy taken before stays unreadable (below)
    assert set(raw_row(shreddable)) <= set(columns)
    assert set(raw_row(shreddable).values()) == {b""}
    reread = Application.objects.get(pk=shreddable.pk)
    assert reread.is_erased
    with pytest.raises(DataErased):
        _ = reread.family_name
    # Every key that remains, tried as the key of every sealed value: none opens anything.
    remaining = [*_load("field").values(), *_load("index").values()]
    row = str(shreddable.pk)
    attempts = [
        (columns[c], field_context(field=f"cases.Application.{c}", row=row)) for c in columns
    ]
    attempts.append((reason.token, field_context(field="cases.StageChange.reason", row=str(uid))))
    body = sealed_file[18 + sealed_file[17] :]
    attempts.append(
        (
            body,
            file_context(
                field="cases.Document.file", row=str(document.pk), name=document.file.name
            ),
        )
    )
    for key, (token, context) in itertools.product(remaining, attempts):
        with pytest.raises(InvalidTag):
            AESGCM(key).decrypt(token[1:13], token[13:], context)


def test_shredding_keeps_the_statistics_and_the_history(shreddable):
    before = list(
        StageChange.objects.filter(application=shreddable).values_list(
            "from_stage", "to_stage", "actor_id", "actor_role", "at"
        )
    )
    application_shred(application=shreddable, actor=None, now=NOW)

    assert Application.objects.filter(nationality="CA").count() == 1
    assert Application.objects.filter(stage="rejected", mission__code="lt-vilnius").count() == 1
    after = StageChange.objects.filter(application=shreddable)
    assert list(after.values_list("from_stage", "to_stage", "actor_id", "actor_role", "at")) == (
        before
    )
    assert [h.reason for h in after] == [None, None, None]
    reread = Application.objects.get(pk=shreddable.pk)
    assert (reread.stage, reread.channel, reread.submitted_at) == (
        shreddable.stage,
        shreddable.channel,
        shreddable.submitted_at,
    )


def test_shredding_deletes_digests_documents_and_idempotency_records(shreddable, payload, api_as):
    response = api_as().post("/applications", payload, headers={"Idempotency-Key": "k-1"})
    other = Application.objects.get(pk=response.json()["id"])
    record = IdempotencyRecord.objects.get()
    IdempotencyRecord.objects.filter(pk=record.pk).update(application=shreddable)
    digests_of_other = LookupDigest.objects.filter(application=other).count()

    application_shred(application=shreddable, actor=None, now=NOW)

    assert LookupDigest.objects.filter(application=shreddable).count() == 0
    assert Document.objects.filter(application=shreddable).count() == 0
    # the key's digest stays (a retry finds the erased case), the body's digest is gone
    assert [bytes(r.body_digest) for r in IdempotencyRecord.objects.all()] == [b""]
    assert LookupDigest.objects.filter(application=other).count() == digests_of_other
    assert Application.objects.get(pk=other.pk).family_name == payload["family_name"]


def test_an_erased_case_is_not_found_by_search_any_more(shreddable, hq):
    assert list(application_search(user=hq, query="SH7777777")) == [shreddable]
    application_shred(application=shreddable, actor=None, now=NOW)
    assert list(application_search(user=hq, query="SH7777777")) == []
    assert list(application_search(user=hq, query="Shredded")) == []


def test_the_callers_instance_forgets_what_it_had_read(shreddable):
    assert shreddable.family_name == "Shredded"
    application_shred(application=shreddable, actor=None, now=NOW)
    with pytest.raises(DataErased):
        _ = shreddable.family_name


def test_shredding_twice_changes_nothing_the_second_time(shreddable):
    assert application_shred(application=shreddable, actor=None, now=NOW) is True
    destroyed_at = DataKey.objects.get(pk=shreddable.data_key_id).destroyed_at
    assert application_shred(application=shreddable, actor=None, now=NOW) is False
    assert DataKey.objects.get(pk=shreddable.data_key_id).destroyed_at == destroyed_at


def test_a_backup_taken_before_shredding_dies_with_the_kek_it_was_wrapped_with(shreddable):
    """The wrapped key in an old backup unwraps only while its KEK exists: after shredding,
    rotating to a new KEK and removing the old line, nothing opens the backup either."""
    backup = (bytes(shreddable.data_key.wrapped), shreddable.data_key.kek_version)
    application_shred(application=shreddable, actor=None, now=NOW)
    key_file = settings.ENLIST_KEY_DIR / "field.key"
    key_file.write_text(key_file.read_text() + f"2:{base64.b64encode(os.urandom(32)).decode()}\n")
    reset_caches()
    call_command("keys", "rotate", stdout=io.StringIO())
    key_file.write_text(key_file.read_text().splitlines()[1] + "\n")
    reset_caches()
    with pytest.raises(DecryptionError):
        key_encryption_keys().unwrap(
            WrappedKey(version=backup[1], wrapped=backup[0]), key_id=shreddable.data_key_id.bytes
        )


# --- on the applicant's request (HQ) --------------------------------------------------------


def test_hq_erases_an_open_case_at_the_applicants_request(vilnius_case, hq, client):
    response = sign_in(client, hq).post(
        f"/staff/cases/{vilnius_case.pk}/erase/", {"reason": "Asked by email"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{vilnius_case.pk}/"
    erased = Application.objects.get(pk=vilnius_case.pk)
    assert erased.is_erased
    assert erased.data_key.destruction == Destruction.REQUEST
    assert erased.stage == "withdrawn"  # an open case is withdrawn first, for the statistics
    assert list(erased.history.values_list("to_stage", "actor_role", "reason")) == [
        ("submitted", "applicant", None),
        ("withdrawn", "hq", None),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Erased application" in page
    assert vilnius_case.family_name not in page
    assert vilnius_case.reference not in page
    assert "Erase at the applicant" not in page  # no second erasure offered


@pytest.mark.parametrize("persona", ["clerk_vilnius", "attache_vilnius", "consul_vilnius"])
def test_only_hq_may_erase(vilnius_case, persona, request, client):
    user = request.getfixturevalue(persona)
    response = sign_in(client, user).post(
        f"/staff/cases/{vilnius_case.pk}/erase/", {"reason": "Asked by email"}
    )
    assert response.status_code == 403
    assert not Application.objects.get(pk=vilnius_case.pk).is_erased
    page = client.get(f"/staff/cases/{vilnius_case.pk}/").content.decode()
    assert "Erase at the applicant" not in page


def test_another_missions_staff_get_404(vilnius_case, clerk_oslo, client):
    response = sign_in(client, clerk_oslo).post(
        f"/staff/cases/{vilnius_case.pk}/erase/", {"reason": "x"}
    )
    assert response.status_code == 404
    assert not Application.objects.get(pk=vilnius_case.pk).is_erased


def test_erasing_needs_a_reason(vilnius_case, hq, client):
    sign_in(client, hq)
    response = client.post(f"/staff/cases/{vilnius_case.pk}/erase/", {"reason": "  "})
    assert response.status_code == 302
    assert not Application.objects.get(pk=vilnius_case.pk).is_erased
    assert "A reason is required" in client.get(response["Location"]).content.decode()
    with pytest.raises(InvalidInput):
        application_shred(application=vilnius_case, actor=hq, reason="")


def test_the_erase_action_is_offered_to_hq(vilnius_case, hq, client):
    sign_in(client, hq)
    # an erasure request is outside HQ's flow: it says why it opens the case (need-to-know)
    client.post(f"/staff/cases/{vilnius_case.pk}/", {"reason": "Erasure request ticket 17"})
    page = client.get(f"/staff/cases/{vilnius_case.pk}/").content.decode()
    assert f'action="/staff/cases/{vilnius_case.pk}/erase/"' in page


def test_erased_case_in_the_list_and_the_api(shreddable, vilnius, hq, client, api_as):
    other = ApplicationFactory(mission=vilnius, family_name="Stillhere")
    application_shred(application=shreddable, actor=None, now=NOW)

    page = sign_in(client, hq).get("/staff/cases/").content.decode()
    assert "Erased application" in page
    assert "Stillhere" in page
    assert "Shredded" not in page

    api = api_as(hq)
    items = {item["id"]: item for item in api.get("/applications").json()["items"]}
    assert items[str(shreddable.pk)] | {"submitted_at": None, "stage_changed_at": None} == {
        "id": str(shreddable.pk),
        "reference": "erased",
        "stage": "rejected",
        "given_name": "erased",
        "family_name": "erased",
        "nationality": "CA",
        "mission": "lt-vilnius",
        "channel": "web",
        "submitted_at": None,
        "stage_changed_at": None,
    }
    assert items[str(other.pk)]["family_name"] == "Stillhere"
    detail = api.get(f"/applications/{shreddable.pk}").json()
    assert (detail["reference"], detail["family_name"], detail.get("email")) == (
        "erased",
        "erased",
        None,
    )
    assert detail["documents"] == []
    assert [h["to_stage"] for h in detail["history"]] == ["submitted", "screening", "rejected"]
    assert [h["reason"] for h in detail["history"]] == [None, None, None]


# --- retention ------------------------------------------------------------------------------


@pytest.fixture
def mixed(vilnius):
    """Cases around each retention cutoff, for ordinary and high-risk nationalities."""
    return {
        "rejected_91": closed_case(vilnius, stage="rejected", days_ago=91),
        "rejected_89": closed_case(vilnius, stage="rejected", days_ago=89),
        "referred_91": closed_case(vilnius, stage="referred", days_ago=91),
        "withdrawn_31": closed_case(vilnius, stage="withdrawn", days_ago=31),
        "withdrawn_29": closed_case(vilnius, stage="withdrawn", days_ago=29),
        "enlisted_31": closed_case(vilnius, stage="enlisted", days_ago=31),
        "enlisted_29": closed_case(vilnius, stage="enlisted", days_ago=29),
        "warned_rejected_8": closed_case(vilnius, stage="rejected", days_ago=8, nationality="AU"),
        "prosecuted_enlisted_8": closed_case(
            vilnius, stage="enlisted", days_ago=8, nationality="BY"
        ),
        "prosecuted_withdrawn_6": closed_case(
            vilnius, stage="withdrawn", days_ago=6, nationality="BY"
        ),
        "open_400": closed_case(vilnius, stage="interview", days_ago=400, nationality="BY"),
        "on_hold_400": closed_case(vilnius, stage="on_hold", days_ago=400),
    }


DUE = {"rejected_91", "referred_91", "withdrawn_31", "enlisted_31", "warned_rejected_8",
       "prosecuted_enlisted_8"}  # fmt: skip


def test_due_cases_follow_the_policy(mixed):
    due = set(applications_due_for_erasure(now=NOW).values_list("pk", flat=True))
    assert {name for name, a in mixed.items() if a.pk in due} == DUE


def _state() -> list[tuple]:
    keys = DataKey.objects.order_by("pk").values_list("pk", "wrapped", "destroyed_at")
    return [
        [(pk, bytes(w) if w else None, d) for pk, w, d in keys],
        LookupDigest.objects.count(),
        list(StageChange.objects.order_by("pk").values_list("pk", "reason")),
        sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()),
    ]


def test_dry_run_counts_and_changes_nothing(mixed, shreddable):
    before = _state()
    out = io.StringIO()
    call_command("retention", "run", "--dry-run", stdout=out)
    assert _state() == before
    text = out.getvalue()
    assert "Due for erasure: 7 (enlisted 1, enlisted+high_risk 1, referred 1, rejected 2, " \
        "rejected+high_risk 1, withdrawn 1)" in text  # fmt: skip
    assert "Dry run: nothing was erased." in text
    for application in mixed.values():
        assert application.family_name not in text


def test_retention_run_erases_exactly_the_due_cases_and_a_rerun_nothing(mixed):
    report = retention_run(now=NOW)
    assert report.erased == len(DUE)
    erased = {name for name, a in mixed.items() if Application.objects.get(pk=a.pk).is_erased}
    assert erased == DUE
    assert retention_run(now=NOW).erased == 0
    assert Application.objects.count() == len(mixed)


def test_the_command_prints_counts_only(mixed):
    out = io.StringIO()
    call_command("retention", "run", stdout=out)
    assert f"Erased {len(DUE)} cases." in out.getvalue()
    assert "Kovalenko" not in out.getvalue()


def test_retention_periods_come_from_settings(mixed, settings):
    settings.ENLIST_RETENTION_DAYS = {**settings.ENLIST_RETENTION_DAYS, "rejected": 60}
    due = set(applications_due_for_erasure(now=NOW).values_list("pk", flat=True))
    assert mixed["rejected_89"].pk in due


def test_the_retention_path_refuses_a_case_not_yet_due(mixed):
    with pytest.raises(NotPermitted, match="retention period is not over"):
        application_shred(application=mixed["rejected_89"], actor=None, now=NOW)
    with pytest.raises(NotPermitted):
        application_shred(application=mixed["open_400"], actor=None, now=NOW)
    assert not Application.objects.get(pk=mixed["rejected_89"].pk).is_erased


# --- issue 13: every sealed value goes, and a retry creates nothing ---------------------------


def _sealed_rows(data_key_id):
    """(model, field, stored token) of every EncryptedField sealed with this data key."""
    from django.apps import apps as django_apps

    from enlist.vault.fields import EncryptedField, KeyBinding

    for model in django_apps.get_models():
        binding = getattr(model, "vault_binding", None)
        if not isinstance(binding, KeyBinding):
            continue
        rows = model._base_manager.filter(**{binding.key.replace(".", "__"): data_key_id})
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, EncryptedField):
                for token in rows.values_list(model_field.attname, flat=True):
                    yield model._meta.label, model_field.name, token


def test_erasure_deletes_every_sealed_value_of_the_case(shreddable, hq):
    from enlist.cases.gate import grant_open
    from enlist.visas.models import Visa

    Visa.objects.create(
        application=shreddable, status="issued", number="UA99887766", consular_notes="Kind."
    )
    grant_open(user=hq, application=shreddable, reason="Ticket 4411 about the case", via="web")
    before = {(m, f) for m, f, token in _sealed_rows(shreddable.data_key_id) if token}
    expected = {
        ("visas.Visa", "number"), ("visas.Visa", "consular_notes"),
        ("audit.AccessGrant", "reason"), ("cases.Application", "family_name"),
    }  # fmt: skip
    assert expected <= before

    application_shred(application=shreddable, actor=None, now=NOW)

    left = [
        (m, f) for m, f, token in _sealed_rows(shreddable.data_key_id)
        if token is not None and token.token != b""
    ]  # fmt: skip
    assert left == []
    assert Visa.objects.filter(application=shreddable).count() == 1  # the row, for statistics


def test_an_idempotent_retry_after_erasure_creates_no_new_case(vilnius, hq, payload, api_as):
    first = api_as().post("/applications", payload, headers={"Idempotency-Key": "retry-1"})
    assert first.status_code == 201
    application = Application.objects.get(pk=first.json()["id"])
    application_shred(application=application, actor=hq, reason="The applicant asked.")
    count = Application.objects.count()

    retry = api_as().post("/applications", payload, headers={"Idempotency-Key": "retry-1"})
    payload["family_name"] = "Someone-Else"
    other_body = api_as().post("/applications", payload, headers={"Idempotency-Key": "retry-1"})

    for response in (retry, other_body):
        assert response.status_code == 201, response.content
        assert response.json() == {"id": str(application.pk), "reference": "erased",
                                   "status": "withdrawn"}  # fmt: skip
    assert Application.objects.count() == count
