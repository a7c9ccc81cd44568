"""Reading the visa form of the staff page into the service's arguments (no rules here)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import QueryDict

from enlist.core.bounds import ID_MAX, int_from_text
from enlist.errors import FieldError, InvalidInput


def _date(data: QueryDict, name: str, errors: list[FieldError]) -> datetime.date | None:
    value = data.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(name, "Enter a date as YYYY-MM-DD."))
        return None


def visa_arguments(data: QueryDict) -> dict[str, Any]:
    """The keyword arguments of `visa_update` from a POSTed form; InvalidInput for bad dates."""
    errors: list[FieldError] = []
    arguments: dict[str, Any] = {
        "visa_type": data.get("visa_type", ""),
        "status": data.get("status", ""),
        "number": data.get("number", ""),
        "consular_notes": data.get("consular_notes", ""),
        "applied_on": _date(data, "applied_on", errors),
        "valid_from": _date(data, "valid_from", errors),
        "valid_until": _date(data, "valid_until", errors),
    }
    try:
        arguments["checked"] = [
            int_from_text(i, field="checked", minimum=1, maximum=ID_MAX)
            for i in data.getlist("checked")
        ]
    except InvalidInput:
        errors.append(FieldError("checked", "Tick only documents on this visa type's checklist."))
    if errors:
        raise InvalidInput(errors)
    return arguments
