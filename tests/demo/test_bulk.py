"""`enlist demo --size N`: cases written in bulk are, to the services, cases like any other.

One bulk demo of 300 applications is built for the module (inside a transaction rolled back
at the end), with fixed keys; each test reads it through the services that read, decrypt,
search, match, move and audit service-made cases.
"""

from __future__ import annotations

import base64
import io
import os
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from tests.conftest import reference_data_restore

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditEntry, AuditSubject
from enlist.audit.services import audit_verify, checkpoints_read
from enlist.cases.models import Application, Channel, LookupDigest, StageChange
from enlist.cases.selectors import application_search
from enlist.cases.services import application_digests, application_transition
from enlist.cases.workflow import Stage
from enlist.demo.bulk import References
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import application_submit, intake_context
from enlist.matching.models import MatchKey
from enlist.matching.services import application_records, match_digests
from enlist.vault.fields import EncryptedField
from enlist.vault.keyring import reset_caches

SIZE = 300
SEALED = [f.name for f in Application._meta.get_fields() if isinstance(f, EncryptedField)]


@pytest.fixture(scope="module")
def bulk(django_db_setup, django_db_blocker, tmp_path_factory):
    """The build's output; its checkpoint file is ``checkpoints.jsonl`` in the build's root."""
    root = tmp_path_factory.mktemp("bulk")
    keys = {
        f"ENLIST_{name}_KEY": base64.b64encode(os.urandom(32)).decode()
        for name in ("FIELD", "INDEX")
    }
    with (
        pytest.MonkeyPatch.context() as patch,
        override_settings(
            ENLIST_KEY_DIR=root / "keys",
            ENLIST_AUDIT_CHECKPOINT_FILE=root / "checkpoints.jsonl",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        for name, value in keys.items():
            patch.setenv(name, value)
        reset_caches()
        reference_data_restore()  # the demo's volunteers come from every country
        out = io.StringIO()
        call_command("demo", "--no-serve", "--size", str(SIZE), stdout=out)
        yield out.getvalue(), root / "checkpoints.jsonl"
        transaction.set_rollback(True)
    reset_caches()


def _cases() -> list[Application]:
    return list(Application.objects.select_related("mission").order_by("submitted_at", "pk"))


def _hq() -> StaffUser:
    return StaffUser.objects.get(username="hq")


@pytest.mark.django_db
def test_the_build_reports_its_size_rows_and_peak_memory(bulk):
    bulk, _ = bulk
    assert f"Building the demo: {SIZE} applications (seed 20220227, in bulk)." in bulk
    assert f"{SIZE} applications from" in bulk
    assert "peak memory:" in bulk
    assert "rows written in bulk" in bulk
    assert Application.objects.count() == SIZE


@pytest.mark.django_db
def test_stages_channels_and_nationalities_are_spread_as_in_the_demo(bulk):
    cases = _cases()
    stages = Counter(c.stage for c in cases)
    channels = Counter(c.channel for c in cases)
    assert set(stages) >= {s.value for s in Stage} - {Stage.SUBMITTED.value} - {"on_hold"}
    assert set(channels) == set(Channel.values)
    nationalities = Counter(c.nationality_id for c in cases)
    assert len(nationalities) >= 40
    assert nationalities.most_common(1)[0][0] == "US"  # the surge is skewed


@pytest.mark.django_db
def test_every_personal_field_opens_with_the_volunteers_own_key(bulk):
    for case in _cases():
        for name in SEALED:
            getattr(case, name)  # DecryptionError if sealed with another key, field or row
        assert case.email and case.reference.startswith("IL-")
        assert case.data_key.cipher() is not None


@pytest.mark.django_db
def test_digests_and_match_keys_are_what_the_services_compute(bulk):
    for case in _cases():
        stored = {bytes(d) for d in LookupDigest.objects.filter(application=case).values_list(
            "digest", flat=True
        )}  # fmt: skip
        assert stored == set(application_digests(case))
        keys = {bytes(d) for d in MatchKey.objects.filter(application=case).values_list(
            "digest", flat=True
        )}  # fmt: skip
        assert keys == set(match_digests(application_records(case)))


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["reference", "email", "passport_number", "phone", "name"])
def test_each_case_is_found_by_its_identifiers(bulk, field):
    hq = _hq()
    for case in _cases()[:: SIZE // 25]:
        query = case.full_name if field == "name" else getattr(case, field)
        if not query:
            continue
        found = {a.pk for a in application_search(user=hq, query=query)}
        assert case.pk in found


@pytest.mark.django_db
def test_history_starts_at_submitted_and_ends_at_the_cases_stage(bulk):
    for case in _cases():
        history = list(StageChange.objects.filter(application=case).order_by("at", "pk"))
        assert history[0].from_stage == "" and history[0].to_stage == Stage.SUBMITTED
        assert history[-1].to_stage == case.stage
        assert case.stage_changed_at == history[-1].at
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_stage == before.to_stage
            if after.reason is not None:
                assert after.reason.strip()  # opens with the volunteer's key


@pytest.mark.django_db
def test_the_audit_chain_verifies_and_indexes_every_case(bulk, settings, tmp_path):
    _, pinned = bulk
    head = AuditEntry.objects.order_by("-sequence").first()
    assert [c.size for c in checkpoints_read(pinned)] == [head.sequence]  # the build signed it
    # Verified against this test's own (empty) checkpoint file: the build's was signed with
    # the build's key directory.
    settings.ENLIST_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    result = audit_verify().result
    assert result.intact, result
    assert result.entries == AuditEntry.objects.count()
    moves = StageChange.objects.count()
    assert AuditEntry.objects.filter(target_type="application").count() == moves
    assert AuditSubject.objects.values("application_id").distinct().count() == SIZE


@pytest.mark.django_db
def test_a_bulk_case_moves_on_like_a_service_made_one(bulk, settings, tmp_path):
    settings.ENLIST_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    case = Application.objects.filter(stage=Stage.SUBMITTED).select_related("mission").first()
    clerk = StaffUser.objects.filter(role=Role.CLERK, mission=case.mission).first()
    with transaction.atomic():
        change = application_transition(application=case, to=Stage.SCREENING, actor=clerk)
        assert change.from_stage == Stage.SUBMITTED
        assert Application.objects.get(pk=case.pk).stage == Stage.SCREENING
        assert audit_verify().result.intact
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_service_made_copy_stores_the_same_clear_columns_and_audit_detail(bulk):
    case = (
        Application.objects.filter(stage=Stage.SUBMITTED, channel=Channel.WEB)
        .select_related("mission")
        .first()
    )
    data = ApplicationIn.model_validate(
        {
            "given_name": case.given_name,
            "family_name": case.family_name,
            "given_name_native": case.given_name_native,
            "family_name_native": case.family_name_native,
            "date_of_birth": case.date_of_birth,
            "nationality": case.nationality_id,
            "residence_country": case.residence_country,
            "email": case.email,
            "phone": case.phone,
            "passport_number": case.passport_number,
            "mission": case.mission.code,
            "languages": case.languages,
            "military_experience": case.military_experience,
            "consent": True,
            "legal_advisory_acknowledged": True,
        },
        context=intake_context(),
    )
    with transaction.atomic():
        copy = application_submit(
            data=data, channel=Channel.WEB, submitted_at=case.submitted_at
        ).application
        clear = ["mission_id", "nationality_id", "channel", "stage", "held_from", "consent_at",
                 "consent_channel", "consent_wording", "advisory_acknowledged_at",
                 "recorded_by_id", "import_row", "submitted_at", "stage_changed_at"]  # fmt: skip
        assert [getattr(copy, n) for n in clear] == [getattr(case, n) for n in clear]
        assert [getattr(copy, n) for n in SEALED if n != "reference"] == [
            getattr(case, n) for n in SEALED if n != "reference"
        ]

        def terms(application: Application) -> set[bytes]:
            mine = {application.reference}
            return set(application_digests(application)) - {
                d for d in application_digests(application) if _is_reference(d, mine)
            }

        assert terms(copy) == terms(case)

        def created(application: Application) -> tuple:
            entry = AuditEntry.objects.get(target_id=str(application.pk), action="create")
            return entry.actor_role, entry.detail

        assert created(copy) == created(case)
        transaction.set_rollback(True)


def _is_reference(digest: bytes, references: set[str]) -> bool:
    from enlist.vault.keyring import blind_indexer
    from enlist.vault.normalise import normalise_reference

    indexer = blind_indexer()
    return any(digest == indexer.digest("reference", normalise_reference(r)) for r in references)


def test_workers_never_give_the_same_reference():
    first, second = References(partition=(0, 2)), References(partition=(1, 2))
    a = {first.new() for _ in range(2000)}
    b = {second.new() for _ in range(2000)}
    assert len(a) == len(b) == 2000
    assert not a & b
    assert {r[3] for r in a}.isdisjoint({r[3] for r in b})
