"""The intake validator (pure pydantic): strict JSON, lax form strings, same rules and messages."""

from __future__ import annotations

import datetime
import json

import pytest

from enlist.errors import InvalidInput
from enlist.intake.schemas import (
    IntakeContext,
    parse_application_data,
    parse_application_json,
)
from tests.factories import application_payload

CONTEXT = IntakeContext(
    countries={"CA", "LT", "NO", "UA", "PL"},
    missions={"lt-vilnius", "no-oslo"},
    today=datetime.date(2024, 6, 15),
)


def _json(**overrides):
    body = json.dumps(application_payload(**overrides)).encode()
    return parse_application_json(body, context=CONTEXT)


def _json_errors(**overrides) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidInput) as excinfo:
        _json(**overrides)
    return [(e.field, e.message) for e in excinfo.value.errors]


def _form(**overrides):
    data = {
        "given_name": "Oleksandr",
        "family_name": "Kovalenko",
        "date_of_birth": "1990-04-17",
        "nationality": "CA",
        "residence_country": "CA",
        "email": "o.kovalenko@example.org",
        "phone": "",
        "passport_number": "",
        "mission": "lt-vilnius",
        "languages": ["en"],
        "military_experience": {"years": "6", "combat_deployments": "2", "peacekeeping": "on"},
        "consent": "true",
        "legal_advisory_acknowledged": "true",
    }
    data.update(overrides)
    return parse_application_data(data, context=CONTEXT)


def test_valid_json_parses_to_typed_values():
    application = _json(family_name="Kovalenko")
    assert application.family_name == "Kovalenko"
    assert application.date_of_birth == datetime.date(1990, 4, 17)
    assert application.nationality == "CA"
    assert application.phone == "+1 416-555-0134"
    assert application.military_experience.years == 6
    assert application.military_experience.specialties == ["infantry", "combat medic"]
    assert application.consent is True


def test_names_are_stripped_and_kept_as_typed():
    application = _json(given_name="  Jean-Luc ", family_name=" O'Brien-Šimkus  ")
    assert application.given_name == "Jean-Luc"
    assert application.family_name == "O'Brien-Šimkus"


@pytest.mark.parametrize(
    ("phone", "residence", "stored"),
    [
        ("+1 416 555 0134", "CA", "+1 416-555-0134"),
        ("+14165550134", "LT", "+1 416-555-0134"),
        ("416 555 0134", "CA", "+1 416-555-0134"),
        ("+370 612 34567", "LT", "+370 612 34567"),
        ("8 612 34567", "LT", "+370 612 34567"),
    ],
)
def test_phone_is_stored_in_international_format(phone, residence, stored):
    assert _json(phone=phone, residence_country=residence).phone == stored


def test_local_phone_without_a_known_residence_is_refused_as_well():
    errors = _json_errors(phone="416 555 0134", residence_country="XX")
    assert [field for field, _ in errors] == ["residence_country", "phone"]


def test_birth_date_boundaries():
    assert _json(date_of_birth="2024-06-15").date_of_birth == CONTEXT.today
    assert _json_errors(date_of_birth="2024-06-16") == [
        ("date_of_birth", "The date of birth is in the future.")
    ]
    assert _json(date_of_birth="1900-01-01").date_of_birth == datetime.date(1900, 1, 1)
    assert _json_errors(date_of_birth="1899-12-31") == [
        ("date_of_birth", "The date of birth is not plausible.")
    ]


def test_unknown_codes_are_checked_against_the_context():
    errors = _json_errors(nationality="FR", residence_country="DE", mission="fr-paris")
    assert errors == [
        ("nationality", "Unknown country code."),
        ("residence_country", "Unknown country code."),
        ("mission", "Unknown mission code."),
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nationality", "Canada", "Use a two-letter ISO 3166-1 country code, such as CA."),
        ("passport_number", "AB#123456", "Use only letters, digits, spaces and hyphens."),
        ("languages", ["english"], "Use ISO 639-1 language codes, such as en or uk."),
    ],
)
def test_pattern_errors_get_a_helpful_hint(field, value, message):
    errors = _json_errors(**{field: value})
    assert [m for _, m in errors] == [message]


def test_nested_and_indexed_fields_are_named_with_a_path():
    experience = {"years": 2, "specialties": ["ok", "s" * 65, ""]}
    errors = _json_errors(languages=["en", "x"], military_experience=experience)
    assert [field for field, _ in errors] == [
        "languages[1]",
        "military_experience.specialties[1]",
        "military_experience.specialties[2]",
    ]


def test_json_is_strict_about_types():
    errors = _json_errors(
        consent="true",
        legal_advisory_acknowledged=1,
        military_experience={"years": "6"},
        given_name=5,
    )
    assert sorted(field for field, _ in errors) == [
        "consent",
        "given_name",
        "legal_advisory_acknowledged",
        "military_experience.years",
    ]


def test_json_not_an_object_is_named_body():
    with pytest.raises(InvalidInput) as excinfo:
        parse_application_json(b"[]", context=CONTEXT)
    assert [e.field for e in excinfo.value.errors] == ["body"]


def test_form_strings_are_coerced_with_the_same_rules():
    application = _form()
    assert application.military_experience.years == 6
    assert application.military_experience.peacekeeping is True
    assert application.consent is True
    assert application.phone is None
    assert application.passport_number is None


def test_form_gives_the_same_messages_as_json():
    with pytest.raises(InvalidInput) as form:
        _form(consent="false", nationality="XX", date_of_birth="1990-02-30")
    json_errors = _json_errors(consent=False, nationality="XX", date_of_birth="1990-02-30")
    form_errors = [(e.field, e.message) for e in form.value.errors]
    assert (
        [f for f, _ in form_errors]
        == [f for f, _ in json_errors]
        == [
            "date_of_birth",
            "nationality",
            "consent",
        ]
    )
    # Our own messages are identical; pydantic words its date parsing error per mode.
    assert form_errors[1:] == json_errors[1:]


def test_form_years_as_words_are_refused():
    with pytest.raises(InvalidInput) as excinfo:
        _form(military_experience={"years": "six"})
    assert [e.field for e in excinfo.value.errors] == ["military_experience.years"]


def test_validation_without_context_skips_reference_checks():
    body = json.dumps(application_payload(nationality="FR", mission="anywhere")).encode()
    from enlist.intake.schemas import ApplicationIn

    application = ApplicationIn.model_validate_json(body)
    assert application.nationality == "FR"
    assert application.mission == "anywhere"
