"""EncryptedField: the database only holds ciphertext, sealed with each volunteer's own key
and bound to its field and row."""

from __future__ import annotations

import base64
import datetime
import os

import pytest
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldError
from django.db import connection, transaction

from enlist.cases.models import Application, StageChange
from enlist.cases.services import application_transition
from enlist.vault.crypto import DecryptionError
from enlist.vault.envelope import TOKEN_VERSION
from enlist.vault.fields import Sealed
from enlist.vault.keyring import reset_caches
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
OVERHEAD = 1 + 12 + 16  # version, nonce, tag


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


def _raw(column: str, table: str = "cases_application") -> list[bytes | None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {column}")  # noqa: S608  (fixed names)
        return [None if row[0] is None else bytes(row[0]) for row in cursor.fetchall()]


def _raw_of(application: Application, column: str) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM cases_application WHERE id = %s",  # noqa: S608  (fixed names)
            [Application._meta.pk.get_db_prep_value(application.pk, connection)],
        )
        return bytes(cursor.fetchone()[0])


def _swap(column_a: str, a: Application, column_b: str, b: Application) -> None:
    """Exchange two stored ciphertexts with raw SQL, as an attacker with the database would."""
    raw_a, raw_b = _raw_of(a, column_a), _raw_of(b, column_b)
    pk = Application._meta.pk
    with connection.cursor() as cursor:
        for column, value, row in ((column_a, raw_b, a), (column_b, raw_a, b)):
            cursor.execute(
                f"UPDATE cases_application SET {column} = %s WHERE id = %s",  # noqa: S608
                [value, pk.get_db_prep_value(row.pk, connection)],
            )


def test_family_name_column_holds_ciphertext_only(stored):
    (raw,) = _raw("family_name")
    assert b"Kovalenko" not in raw
    assert b"kovalenko" not in raw
    assert raw[0] == TOKEN_VERSION == 2
    assert len(raw) == OVERHEAD + len(b"Kovalenko-Unique")


@pytest.mark.parametrize(("column", "plaintext"), sorted(PERSONAL_COLUMNS.items()))
def test_personal_columns_hold_no_plaintext(stored, column, plaintext):
    (raw,) = _raw(column)
    assert len(raw) == OVERHEAD + len(plaintext.encode())
    assert raw[0] == TOKEN_VERSION
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


def test_each_application_has_its_own_data_key(vilnius):
    first, second = ApplicationFactory(mission=vilnius), ApplicationFactory(mission=vilnius)
    assert first.data_key_id != second.data_key_id
    assert bytes(first.data_key.wrapped) != bytes(second.data_key.wrapped)


def test_equal_values_of_two_volunteers_encrypt_differently(vilnius):
    first = ApplicationFactory(mission=vilnius, family_name="Shevchenko", given_name="Taras")
    second = ApplicationFactory(mission=vilnius, family_name="Shevchenko", given_name="Taras")
    for column in ("family_name", "given_name", "date_of_birth", "residence_country"):
        assert _raw_of(first, column) != _raw_of(second, column)
    assert Application.objects.get(pk=first.pk).family_name == "Shevchenko"
    assert Application.objects.get(pk=second.pk).family_name == "Shevchenko"


def test_ciphertext_swapped_between_two_volunteers_fails_to_open(vilnius):
    first = ApplicationFactory(mission=vilnius, family_name="First")
    second = ApplicationFactory(mission=vilnius, family_name="Second")
    _swap("family_name", first, "family_name", second)
    for application in (first, second):
        reread = Application.objects.get(pk=application.pk)
        assert reread.given_name == "Oleksandr"  # the untouched fields still read
        with pytest.raises(DecryptionError):
            _ = reread.family_name


def test_ciphertext_copied_to_another_column_of_the_same_row_fails_to_open(stored):
    _swap("family_name", stored, "given_name", stored)
    reread = Application.objects.get(pk=stored.pk)
    with pytest.raises(DecryptionError):
        _ = reread.family_name
    with pytest.raises(DecryptionError):
        _ = reread.given_name
    assert reread.email == "unique.person@example.org"


def test_rows_of_one_volunteer_are_bound_too(vilnius_case, hq):
    """Two history rows of the same case share a data key; the row id still tells them apart."""
    application_transition(application=vilnius_case, to="screening", actor=hq)
    application_transition(application=vilnius_case, to="on_hold", actor=hq, reason="Reason A")
    application_transition(application=vilnius_case, to="screening", actor=hq, reason="Reason B")
    first, second = StageChange.objects.filter(reason__isnull=False).order_by("pk")
    assert (first.reason, second.reason) == ("Reason A", "Reason B")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_stagechange SET reason = %s WHERE id = %s",
            [_raw_stagechange_reason(second.pk), first.pk],
        )
    with pytest.raises(DecryptionError):
        _ = StageChange.objects.get(pk=first.pk).reason
    assert StageChange.objects.get(pk=second.pk).reason == "Reason B"


def _raw_stagechange_reason(pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM cases_stagechange WHERE id = %s", [pk])
        return bytes(cursor.fetchone()[0])


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


def test_update_without_an_instance_is_refused_and_changes_nothing(stored):
    before = _raw_of(stored, "family_name")
    with pytest.raises(TypeError, match="cannot seal values"), transaction.atomic():
        Application.objects.filter(pk=stored.pk).update(family_name="Rewritten")
    assert _raw_of(stored, "family_name") == before


def test_saving_through_the_instance_reseals_with_the_rows_key(stored):
    application = Application.objects.get(pk=stored.pk)
    application.family_name = "Rewritten"
    application.save(update_fields=["family_name"])
    assert Application.objects.get(pk=stored.pk).family_name == "Rewritten"
    assert b"Rewritten" not in _raw_of(stored, "family_name")


def test_values_queries_give_sealed_tokens_not_plaintext(stored):
    (value,) = Application.objects.values_list("family_name", flat=True)
    assert isinstance(value, Sealed)
    assert "Kovalenko" not in repr(value)


def test_deferred_field_loads_and_opens(stored):
    application = Application.objects.only("stage").get(pk=stored.pk)
    assert application.family_name == "Kovalenko-Unique"


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


def test_database_copy_without_the_kek_is_unreadable(stored):
    key_file = settings.ENLIST_KEY_DIR / "field.key"
    key_file.write_text("1:" + base64.b64encode(os.urandom(32)).decode() + "\n")
    reset_caches()
    with pytest.raises(DecryptionError):
        _ = Application.objects.get(pk=stored.pk).family_name


def test_a_list_of_cases_needs_no_query_per_row_for_its_keys(vilnius, django_assert_num_queries):
    for _ in range(5):
        ApplicationFactory(mission=vilnius)
    with django_assert_num_queries(1):
        names = [a.family_name for a in Application.objects.all()]
    assert len(names) == 5
