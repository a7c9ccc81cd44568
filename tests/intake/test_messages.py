"""Every error the intake contract can raise has its own sentence in the reader's language.

The error types are read from the contract itself (its pydantic core schema: each node's
type and constraints, and our own refusals), not from a hand list, so a new field or
constraint with an error type no sentence covers fails here.
"""

from __future__ import annotations

import ast
import datetime
import inspect
import json
from typing import Any

import pytest
from django.utils import translation
from pydantic import BaseModel

from enlist.core.catalogs import PLURALS
from enlist.errors import FieldError, InvalidInput
from enlist.intake import schemas
from enlist.intake.messages import BOUNDED, BY_TYPE, NOT_VALID, contract_message
from enlist.intake.schemas import OWN_MESSAGES, ApplicationIn, IntakeContext

LANGUAGES = sorted(PLURALS)
TODAY = datetime.date(2026, 1, 1)

# What pydantic can answer for a core-schema node of each type, in strict (JSON) or lax (form)
# mode: pydantic's own semantics, applied below to the nodes our schema has.
_NODE_ERRORS = {
    "str": {"string_type"},
    "int": {"int_type", "int_parsing", "int_from_float"},
    "bool": {"bool_type", "bool_parsing"},
    "date": {"date_type", "date_parsing", "date_from_datetime_parsing"}
    | {"date_from_datetime_inexact"},
    "list": {"list_type"},
    "model": {"model_type", "model_attributes_type"},
    "model-fields": {"dict_type", "model_attributes_type"},
}
_CONSTRAINT_ERRORS = {
    ("str", "min_length"): "string_too_short",
    ("str", "max_length"): "string_too_long",
    ("str", "pattern"): "string_pattern_mismatch",
    ("list", "min_length"): "too_short",
    ("list", "max_length"): "too_long",
    ("int", "ge"): "greater_than_equal",
    ("int", "le"): "less_than_equal",
    ("int", "gt"): "greater_than",
    ("int", "lt"): "less_than",
}


def _schema_errors(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, list):
        for item in node:
            _schema_errors(item, found)
    if not isinstance(node, dict):
        return found
    kind = node.get("type")
    found |= _NODE_ERRORS.get(kind, set())
    for (node_kind, constraint), error in _CONSTRAINT_ERRORS.items():
        if kind == node_kind and node.get(constraint) is not None:
            found.add(error)
    if kind == "model-field" and node["schema"].get("type") != "default":
        found.add("missing")
    if kind == "model-fields" and (node.get("extra_behavior") == "forbid"):
        found.add("extra_forbidden")
    if kind and kind.startswith("function-"):
        function = node.get("function", {}).get("function")
        if getattr(function, "__module__", schemas.__name__) != schemas.__name__:
            found.add("value_error")  # a library's validator (the email address's)
    for key, value in node.items():
        if key not in ("serialization", "metadata") and isinstance(value, dict | list):
            _schema_errors(value, found)
    return found


def contract_error_types(model: type[BaseModel]) -> set[str]:
    """Every error type validating `model` can give: its schema's, and our own refusals."""
    config_extra = model.model_config.get("extra")
    found = _schema_errors(model.__pydantic_core_schema__, set())
    if config_extra == "forbid":
        found.add("extra_forbidden")
    return found | set(OWN_MESSAGES)


def test_the_enumeration_finds_what_the_contract_raises():
    """The enumeration is not blind: errors seen in practice are among the ones it lists."""
    context = IntakeContext(countries={"CA"}, missions={"ca-ottawa"}, today=TODAY)
    bad = {
        "given_name": "x" * 101,
        "family_name": "",
        "date_of_birth": "1990-02-30",
        "nationality": "Canada",
        "residence_country": "ZZ",
        "email": "not-an-address",
        "phone": "12",
        "passport_number": "AB1",
        "mission": "xx-nowhere",
        "languages": ["en"] * 11,
        "military_experience": {"years": "six", "combat_deployments": -1},
        "consent": False,
        "legal_advisory_acknowledged": False,
        "unexpected": 1,
    }
    seen = set()
    with pytest.raises(InvalidInput) as lax:
        schemas.parse_application_data(bad, context=context)
    with pytest.raises(InvalidInput) as strict:
        schemas.parse_application_json(json.dumps(bad).encode(), context=context)
    for refused in (lax, strict):
        seen |= {e.code for e in refused.value.errors}
    assert len(seen) >= 15
    expected = contract_error_types(ApplicationIn)
    assert seen <= expected
    assert {"missing", "string_too_long", "value_error", "date_from_datetime_parsing"} <= expected
    assert {"too_long", "greater_than_equal", "less_than_equal", "extra_forbidden"} <= expected


def test_every_own_refusal_takes_its_message_from_the_table():
    """No PydanticCustomError raised with a message the table does not hold."""
    tree = ast.parse(inspect.getsource(schemas))
    raised = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PydanticCustomError"
    ]
    assert len(raised) == 1  # the one in _refusal
    refusals = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "_refusal"
        and isinstance(node.args[0], ast.Constant)
    }
    assert refusals == set(OWN_MESSAGES)


@pytest.mark.parametrize("error_type", sorted(contract_error_types(ApplicationIn)))
def test_every_contract_error_type_has_its_own_sentence(error_type):
    if error_type in OWN_MESSAGES or error_type == "string_pattern_mismatch":
        return  # their messages are catalog entries already (checked below)
    assert error_type in BY_TYPE
    assert BY_TYPE[error_type] is not NOT_VALID or error_type == "value_error"


def _error(error_type: str, field: str = "given_name") -> FieldError:
    return FieldError(field, "English", code=error_type, limit=7 if error_type in BOUNDED else None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_contract_error_reads_in_the_readers_language(language):
    """Each sentence is translated (differs from the English) and names the field's label."""
    for error_type in sorted(contract_error_types(ApplicationIn)):
        for field in ("given_name", "email", "nationality", "passport_number", "languages"):
            error = _error(error_type, field)
            with translation.override("en"):
                english = contract_message(error, label="LABEL")
            with translation.override(language):
                translated = contract_message(error, label="LABEL")
            assert translated != english, (language, error_type, field)
            assert english != "English"
            if error_type not in OWN_MESSAGES and error_type != "string_pattern_mismatch":
                assert "LABEL" in translated, (language, error_type)
            if error.limit is not None:
                assert "7" in translated, (language, error_type)


def test_an_unknown_error_type_still_reads_translated():
    with translation.override("uk"):
        message = contract_message(FieldError("x", "Some English", code="new_type"), label="L")
    with translation.override("en"):
        assert message != contract_message(FieldError("x", "E", code="new_type"), label="L")
    assert "L" in message


def test_the_api_keeps_its_english_messages():
    """The API's contract is unchanged: the message stays the stable English one."""
    context = IntakeContext(countries={"CA"}, missions={"ca-ottawa"}, today=TODAY)
    with translation.override("uk"), pytest.raises(InvalidInput) as refused:
        schemas.parse_application_json(b'{"given_name": ""}', context=context)
    messages = {e.field: e.message for e in refused.value.errors}
    assert messages["family_name"] == "This field is required."
    assert messages["given_name"] == "String should have at least 1 character."
