"""An audit entry's detail as people read it: each key with its label, each value in words
(stages, channels, roles, document kinds, missions and yes/no in the reader's language).
Never raw JSON on a page; the stored detail itself is untouched (it is what the chain signs)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from enlist.cases import labels
from enlist.missions.models import Mission
from enlist.missions.names import mission_name

# Labels of the keys `audit/chain.py: DETAIL_KEYS` allows, in the order a reader wants them.
KEY_LABELS = {
    "via": gettext_lazy("through"),
    "fields": gettext_lazy("fields shown"),
    "ids": gettext_lazy("cases shown"),
    "count": gettext_lazy("count"),
    "page": gettext_lazy("page"),
    "filters": gettext_lazy("filters"),
    "from": gettext_lazy("from stage"),
    "to": gettext_lazy("to stage"),
    "reason_given": gettext_lazy("reason given"),
    "document": gettext_lazy("document"),
    "kind": gettext_lazy("document type"),
    "verification": gettext_lazy("verification"),
    "channel": gettext_lazy("channel"),
    "mission": gettext_lazy("mission"),
    "stage": gettext_lazy("stage"),
    "change": gettext_lazy("change"),
    "role": gettext_lazy("role"),
    "old": gettext_lazy("before"),
    "new": gettext_lazy("after"),
    "token": gettext_lazy("API token"),
    "key": gettext_lazy("key"),
    "version": gettext_lazy("version"),
    "rule": gettext_lazy("retention rule"),
    "status": gettext_lazy("status"),
    "unit": gettext_lazy("unit"),
    "packet": gettext_lazy("travel packet"),
    "interview": gettext_lazy("interview"),
    "grant": gettext_lazy("access grant"),
    "minutes": gettext_lazy("minutes"),
    "level": gettext_lazy("level"),
    "step": gettext_lazy("step"),
    "passkey": gettext_lazy("passkey"),
    "consent": gettext_lazy("consent"),
    "row": gettext_lazy("spreadsheet row"),
    "draft": gettext_lazy("mail draft"),
    "message": gettext_lazy("mail message"),
    "rejected": gettext_lazy("rows refused"),
    "job": gettext_lazy("background job"),
    "override": gettext_lazy("by exception"),
    "from_mission": gettext_lazy("from mission"),
    "to_mission": gettext_lazy("to mission"),
    "transfer": gettext_lazy("transfer"),
    "cancelled": gettext_lazy("interviews cancelled"),
}
VIA_LABELS = {
    "web": gettext_lazy("web page"),
    "api": gettext_lazy("API"),
    "cli": gettext_lazy("command line"),
    "audit": gettext_lazy("audit pages"),
}
FILTER_KEYS = {"stage", "mission", "nationality", "waiting_days"}
# How consent stands (intake/services.py: CONSENT_CONFIRMED, CONSENT_TO_BE_CONFIRMED).
CONSENT_LABELS = {
    "confirmed": gettext_lazy("confirmed"),
    "to_be_confirmed": gettext_lazy("to be confirmed"),
}
# The personal fields a view showed (audit/services.py: audit_case_view), by the labels the
# case page gives them; any other field named in a detail (a visa change's) stays as named.
FIELD_LABELS = {
    "reference": gettext_lazy("Reference"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "given_name_native": gettext_lazy("Given name (native script)"),
    "family_name_native": gettext_lazy("Family name (native script)"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "residence_country": gettext_lazy("Residence"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "passport_number": gettext_lazy("Passport"),
    "languages": gettext_lazy("Languages"),
    "military_experience": gettext_lazy("Military experience"),
    "documents": gettext_lazy("Documents"),
    "history": gettext_lazy("History"),
    "interviews": gettext_lazy("Interviews"),
    "verdicts": gettext_lazy("Verdicts"),
}


def detail_items(
    detail: Mapping[str, Any], *, missions: Mapping[str, Mission] | None = None
) -> list[tuple[str, str]]:
    """(label, value) pairs for an entry's detail, in KEY_LABELS order; unknown keys last,
    as they are. `missions`: code → Mission, to name missions without a read per entry."""
    known = [k for k in KEY_LABELS if k in detail]
    rest = sorted(k for k in detail if k not in KEY_LABELS)
    return [
        (str(KEY_LABELS.get(key, key)), _value(key, detail[key], missions or {}))
        for key in known + rest
    ]


def _mission(code: Any, missions: Mapping[str, Mission]) -> str:
    mission = missions.get(code) if isinstance(code, str) else None
    return mission_name(mission) if mission is not None else str(code)


def _role_or_value(value: Any) -> str:
    return labels.role_label(value) if isinstance(value, str) else _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int):
        return number_format(value)
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):  # a permission change: {"role": ..., "mission": ..., ...}
        return "; ".join(
            f"{_filter_label(k)}: {labels.role_label(v) if k == 'role' else _plain(v)}"
            for k, v in sorted(value.items())
        )
    return str(value)


def _value(key: str, value: Any, missions: Mapping[str, Mission]) -> str:
    by_key: dict[str, Callable[[Any], str]] = {
        "from": labels.stage_label,
        "to": labels.stage_label,
        "stage": labels.stage_label,
        "channel": labels.channel_label,
        "kind": labels.document_kind_label,
        "verification": labels.verification_label,
        "role": labels.role_label,
        "old": _role_or_value,
        "new": _role_or_value,
        "via": lambda v: str(VIA_LABELS.get(v, v)),
        "consent": lambda v: str(CONSENT_LABELS.get(v, v)),
        "mission": lambda v: _mission(v, missions),
        "from_mission": lambda v: _mission(v, missions),
        "to_mission": lambda v: _mission(v, missions),
    }
    if key == "filters" and isinstance(value, dict):
        return "; ".join(
            f"{_filter_label(k)}: {_filter_value(k, v, missions)}" for k, v in sorted(value.items())
        )
    if key in by_key and isinstance(value, str):
        return by_key[key](value) or "—"
    if key == "fields" and isinstance(value, list | tuple):
        return ", ".join(str(FIELD_LABELS.get(name, name)) for name in value)
    return _plain(value)


def _filter_label(key: str) -> str:
    return str(
        {
            "stage": gettext_lazy("stage"),
            "mission": gettext_lazy("mission"),
            "nationality": gettext_lazy("nationality"),
            "waiting_days": gettext_lazy("days waiting"),
            "role": gettext_lazy("role"),
        }.get(key, key)
    )


def _filter_value(key: str, value: Any, missions: Mapping[str, Mission]) -> str:
    if key == "stage" and isinstance(value, str):
        return labels.stage_label(value)
    if key == "mission":
        return _mission(value, missions)
    return _plain(value)
