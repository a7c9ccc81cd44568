"""EncryptedField: the database only ever holds ciphertext of personal values."""

from __future__ import annotations

import base64
import datetime
import os

import pytest
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldError
from django.db import connection

from enlist.cases.models import Application
from enlist.vault.crypto import DecryptionError
from enlist.vault.keyring import field_cipher, reset_caches
from tests.factories import ApplicationFactory

PERSONAL_COLUMNS = {
    "given_name": "Oleksandr",
    "family_name": "Kovalenko-Unique",
    "given_name_native": "Олександр",
    "family_name_native": "Коваленко",
    "email": "unique.person@example.org",
    "passport_number": "ZX987654",
    "date_of_birth": "1990-04-17",
    "residence_country": "CA",
}


@pytest.fixture
def stored(vilnius):
    return ApplicationFactory(
        mission=vilnius,
        given_name="Oleksandr",
        family_name="Kovalenko-Unique",
        email="unique.person@example.org",
        passport_number="ZX987654",
        phone="+1 416 555 0134",
    )


def _raw(column: str) -> list[bytes | None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_application")  # noqa: S608  (fixed names)
        return [None if row[0] is None else bytes(row[0]) for row in cursor.fetchall()]


def test_family_name_column_holds_ciphertext_only(stored):
    (raw,) = _raw("family_name")
    assert b"Kovalenko" not in raw
    assert b"kovalenko" not in raw
    assert raw[0] == 1  # token version
    assert len(raw) == 2 + 12 + len(b"Kovalenko-Unique") + 16


@pytest.mark.parametrize(("column", "plaintext"), sorted(PERSONAL_COLUMNS.items()))
def test_personal_columns_hold_no_plaintext(stored, column, plaintext):
    (raw,) = _raw(column)
    assert len(raw) == 2 + 12 + len(plaintext.encode()) + 16
    assert raw[0] == 1
    if len(plaintext) >= 6:  # a 2-byte value may turn up in random ciphertext by chance
        assert plaintext.encode() not in raw


def test_phone_and_reference_columns_hold_no_plaintext(stored):
    (phone,) = _raw("phone")
    (reference,) = _raw("reference")
    assert b"+1 416-555-0134" not in phone
    assert b"4165550134" not in phone
    assert stored.reference.encode() not in reference
    assert stored.reference.replace("-", "").encode() not in reference


def test_values_read_back_as_given(stored):
    application = Application.objects.get(pk=stored.pk)
    assert application.given_name == "Oleksandr"
    assert application.family_name == "Kovalenko-Unique"
    assert application.family_name_native == "Коваленко"
    assert application.date_of_birth == datetime.date(1990, 4, 17)
    assert application.email == "unique.person@example.org"
    assert application.passport_number == "ZX987654"
    assert application.phone == "+1 416-555-0134"
    assert application.languages == ["en", "uk"]
    assert application.military_experience == {
        "years": 6,
        "branch": "army",
        "last_rank": "sergeant",
        "combat_deployments": 2,
        "peacekeeping": True,
        "specialties": ["infantry", "combat medic"],
    }


def test_absent_optional_value_is_null(vilnius):
    ApplicationFactory(mission=vilnius, phone=None, passport_number=None)
    assert _raw("phone") == [None]
    assert _raw("passport_number") == [None]
    assert Application.objects.get().phone is None
    assert Application.objects.filter(phone__isnull=True).count() == 1


@pytest.mark.parametrize(
    "lookup",
    [
        {"family_name": "Kovalenko-Unique"},
        {"family_name__iexact": "kovalenko-unique"},
        {"family_name__icontains": "Koval"},
        {"email__in": ["unique.person@example.org"]},
        {"passport_number__startswith": "ZX"},
        {"date_of_birth__gt": datetime.date(1980, 1, 1)},
    ],
)
def test_filtering_on_an_encrypted_field_is_refused(stored, lookup):
    with pytest.raises(FieldError, match="is encrypted; search it through its blind index"):
        Application.objects.filter(**lookup)


def test_ciphertext_copied_to_another_column_fails_to_decrypt(stored):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_application SET family_name = given_name")
    with pytest.raises(DecryptionError):
        Application.objects.get(pk=stored.pk)


def test_serialising_never_emits_plaintext(stored):
    dumped = serializers.serialize("json", Application.objects.all())
    assert "Kovalenko" not in dumped
    assert "unique.person" not in dumped
    assert "ZX987654" not in dumped


def test_wrong_type_for_a_text_field_is_refused(stored):
    stored.family_name = 5
    with pytest.raises(TypeError, match="takes str"):
        stored.save(update_fields=["family_name"])


def test_wrong_type_for_a_date_field_is_refused(stored):
    stored.date_of_birth = "1990-04-17"
    with pytest.raises(TypeError, match="takes datetime.date"):
        stored.save(update_fields=["date_of_birth"])


def test_database_copy_without_the_key_is_unreadable(stored):
    key_file = settings.ENLIST_KEY_DIR / "field.key"
    key_file.write_text("1:" + base64.b64encode(os.urandom(32)).decode() + "\n")
    reset_caches()
    with pytest.raises(DecryptionError):
        Application.objects.get(pk=stored.pk)


def test_rows_written_under_key_1_still_read_after_key_2_becomes_active(stored):
    key_file = settings.ENLIST_KEY_DIR / "field.key"
    assert field_cipher().active_key_id == 1
    with key_file.open("a") as handle:
        handle.write("2:" + base64.b64encode(os.urandom(32)).decode() + "\n")
    reset_caches()
    assert field_cipher().active_key_id == 2

    assert Application.objects.get(pk=stored.pk).family_name == "Kovalenko-Unique"
    (old_raw,) = _raw("family_name")
    assert old_raw[1] == 1

    Application.objects.filter(pk=stored.pk).update(family_name="Rewritten")
    (new_raw,) = _raw("family_name")
    assert new_raw[1] == 2
    assert Application.objects.get(pk=stored.pk).family_name == "Rewritten"
