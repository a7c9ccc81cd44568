"""Migration cases 0003: applications written by the first release (one field key for all)
get their own data keys, and every value, reason and file reads back the same."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from enlist.cases.models import Application, Document
from enlist.vault.envelope import TOKEN_VERSION
from enlist.vault.fields import Sealed
from enlist.vault.keyring import legacy_field_cipher

BEFORE = [("cases", "0001_initial")]
PDF = b"%PDF-1.4 first-release scan of Kovalenko"


def _legacy(label: str, value: bytes) -> Sealed:
    return Sealed(legacy_field_cipher().encrypt(value, context=label.encode()))


@pytest.mark.django_db(transaction=True)
def test_first_release_rows_are_resealed_with_their_own_data_keys(countries):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    mission = old.get_model("missions", "Mission").objects.create(
        code="lt-vilnius", name="Embassy", country_id="LT", city="Vilnius", timezone="UTC"
    )
    now = timezone.now()
    app_label = "cases.Application"
    ids = []
    for n in range(2):
        application = old.get_model("cases", "Application").objects.create(
            id=uuid.uuid4(),
            mission=mission,
            nationality_id="CA",
            channel="web",
            stage="screening",
            consent_at=now,
            advisory_acknowledged_at=now,
            reference=_legacy(f"{app_label}.reference", f"IL-AAA{n}-BB".encode()),
            given_name=_legacy(f"{app_label}.given_name", b"Oleksandr"),
            family_name=_legacy(f"{app_label}.family_name", f"Kovalenko{n}".encode()),
            given_name_native=None,
            family_name_native=_legacy(f"{app_label}.family_name_native", "Коваленко".encode()),
            date_of_birth=_legacy(f"{app_label}.date_of_birth", b"1990-04-17"),
            residence_country=_legacy(f"{app_label}.residence_country", b"CA"),
            email=_legacy(f"{app_label}.email", f"o{n}@example.org".encode()),
            phone=None,
            passport_number=_legacy(f"{app_label}.passport_number", b"AB123456"),
            languages=_legacy(f"{app_label}.languages", b'["en","uk"]'),
            military_experience=_legacy(f"{app_label}.military_experience", b'{"years":6}'),
        )
        for reason in (None, f"Reason {n}"):
            old.get_model("cases", "StageChange").objects.create(
                application=application,
                to_stage="screening",
                actor_role="clerk",
                reason=reason and _legacy("cases.StageChange.reason", reason.encode()),
            )
        name = f"documents/{uuid.uuid4().hex}"
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(legacy_field_cipher().encrypt(PDF, context=f"file:{name}".encode()))
        old.get_model("cases", "Document").objects.create(
            id=uuid.uuid4(),
            application=application,
            kind="passport",
            file=name,
            original_name=_legacy("cases.Document.original_name", b"scan.pdf"),
            content_type="application/pdf",
            size=len(PDF),
        )
        ids.append((application.pk, path))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    keys = set()
    for n, (pk, old_file) in enumerate(ids):
        application = Application.objects.get(pk=pk)
        keys.add(application.data_key_id)
        assert application.reference == f"IL-AAA{n}-BB"
        assert application.full_name == f"Oleksandr Kovalenko{n}"
        assert application.family_name_native == "Коваленко"
        assert application.date_of_birth == datetime.date(1990, 4, 17)
        assert application.email == f"o{n}@example.org"
        assert (application.phone, application.given_name_native) == (None, None)
        assert application.languages == ["en", "uk"]
        assert application.military_experience == {"years": 6}
        assert [h.reason for h in application.history.all()] == [None, f"Reason {n}"]
        assert len({h.uid for h in application.history.all()}) == 2
        document = Document.objects.get(application=application)
        assert document.original_name == "scan.pdf"
        with document.file.open() as handle:
            assert handle.read() == PDF
        assert not old_file.exists()  # the first-release file was replaced
        (raw,) = Application.objects.filter(pk=pk).values_list("family_name", flat=True)
        assert raw.token[0] == TOKEN_VERSION
    assert len(keys) == 2
