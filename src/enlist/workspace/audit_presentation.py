"""An audit entry as people read it: its action, target kind and kind of change by their
labels, each detail key with its label, each value in words (stages, channels, roles,
document kinds, missions and yes/no in the reader's language). Never a raw code or raw JSON on
a page; the stored entry itself is untouched (it is what the chain signs)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from enlist.audit.models import AlertLevel, AuditAction
from enlist.cases import labels
from enlist.matching.models import MatchStatus
from enlist.missions.models import Mission
from enlist.missions.names import mission_name
from enlist.travel.models import ChecklistKind
from enlist.vault.retention import HIGH_RISK
from enlist.visas.labels import VISA_FIELD_LABELS
from enlist.visas.models import VisaStatus

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
# What kind of change an entry records (`detail.change`, written by each app's services).
CHANGE_LABELS = {
    "staff_add": gettext_lazy("staff account added"),
    "staff_change": gettext_lazy("staff account changed"),
    "staff_delete": gettext_lazy("staff account deleted"),
    "token_create": gettext_lazy("API token created"),
    "token_revoke": gettext_lazy("API token revoked"),
    "token_restore": gettext_lazy("API token restored"),
    "token_delete": gettext_lazy("API token deleted"),
    "rotate": gettext_lazy("keys rotated"),
    "job_retry": gettext_lazy("failed background job retried"),
    "job_discard": gettext_lazy("failed background job discarded"),
    "totp_add": gettext_lazy("authenticator app set up"),
    "totp_remove": gettext_lazy("authenticator app removed"),
    "passkey_add": gettext_lazy("passkey added"),
    "passkey_remove": gettext_lazy("passkey removed"),
    "recovery_codes_new": gettext_lazy("new recovery codes made"),
    "recovery_code_used": gettext_lazy("recovery code used"),
    "session_end": gettext_lazy("signed out"),
    "step_up": gettext_lazy("identity confirmed again"),
    "unblock_views": gettext_lazy("case views unblocked"),
    "document_add": gettext_lazy("document added"),
    "document_verify": gettext_lazy("document verified"),
    "transfer": gettext_lazy("case transferred to another mission"),
    "match_confirm": gettext_lazy("possible duplicate confirmed"),
    "match_dismiss": gettext_lazy("possible duplicate dismissed"),
    "match_unlink": gettext_lazy("duplicate decision undone"),
    "match_auto_link": gettext_lazy("duplicates linked automatically"),
    "match_rematch": gettext_lazy("duplicates searched again"),
    "match_model_learn": gettext_lazy("duplicate scoring relearned"),
    "visa_update": gettext_lazy("visa recorded"),
    "checklist_item_add": gettext_lazy("visa checklist item added"),
    "checklist_item_retire": gettext_lazy("visa checklist item retired"),
    "mail_drafts": gettext_lazy("mail drafts listed"),
    "mail_draft_complete": gettext_lazy("mail draft completed"),
    "unit_preference": gettext_lazy("unit preference recorded"),
    "unit_confirm": gettext_lazy("suggested unit confirmed"),
    "unit_override": gettext_lazy("unit chosen by exception"),
    "verdict": gettext_lazy("verdict recorded"),
    "interview_book": gettext_lazy("interview booked"),
    "interview_confirm": gettext_lazy("interview confirmed"),
    "interview_reschedule_request": gettext_lazy("new interview time asked for"),
    "interview_cancel": gettext_lazy("interview cancelled"),
    "interview_no_show": gettext_lazy("interview missed"),
    "weekly_hours": gettext_lazy("weekly interview hours set"),
    "exception_add": gettext_lazy("interview hours exception added"),
    "exception_remove": gettext_lazy("interview hours exception removed"),
    "reports_rebuild": gettext_lazy("reports rebuilt"),
    "meeting_point": gettext_lazy("meeting point saved"),
    "route_advice": gettext_lazy("route advice saved"),
    "checklist_item": gettext_lazy("travel checklist item saved"),
    "travel_packet": gettext_lazy("travel packet made"),
    "travel_packet_close": gettext_lazy("travel packet closed"),
    "travel_packets_regenerate": gettext_lazy("travel packets made again"),
    "travel_link_revoke": gettext_lazy("travel packet link closed"),
    "checkin_identify": gettext_lazy("volunteer identified at check-in"),
    "checkin": gettext_lazy("volunteer checked in"),
    "consent": gettext_lazy("consent recorded"),
    "import": gettext_lazy("spreadsheet imported"),
    "import_queued": gettext_lazy("spreadsheet import queued"),
    "import_mapping": gettext_lazy("spreadsheet columns matched to fields"),
    "import_rejects": gettext_lazy("refused spreadsheet rows downloaded"),
}
# What an entry is about (`target_type`: audit/services.py, and each app's tuples).
TARGET_LABELS = {
    "application": gettext_lazy("case"),
    "staff": gettext_lazy("staff account"),
    "job": gettext_lazy("background job"),
    "match": gettext_lazy("possible duplicate"),
    "match_model": gettext_lazy("duplicate scoring"),
    "import_run": gettext_lazy("spreadsheet import"),
    "mail_draft": gettext_lazy("mail draft"),
    "checklist_item": gettext_lazy("checklist item"),  # a visa's or the travel packet's
    "meeting_point": gettext_lazy("meeting point"),
    "route_advice": gettext_lazy("route advice"),
}
# Which key a rotation re-wrapped (audit/signals.py: the field keys' key-encryption key).
KEY_KIND_LABELS = {"field": gettext_lazy("field encryption keys")}
FILTER_KEYS = {"stage", "mission", "nationality", "waiting_days"}
# How consent stands (intake/services.py: CONSENT_CONFIRMED, CONSENT_TO_BE_CONFIRMED).
CONSENT_LABELS = {
    "confirmed": gettext_lazy("confirmed"),
    "to_be_confirmed": gettext_lazy("to be confirmed"),
}
# The personal fields a view showed (cases/view_records.py: audit_case_view), by the labels
# the case page gives them, and a visa's (a view names them `visa.number`, a change `number`)
# by the visa page's; a field no table knows is humanised.
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
    "unit_assignments": gettext_lazy("Unit assignments"),
    **VISA_FIELD_LABELS,
    **{f"visa.{name}": label for name, label in VISA_FIELD_LABELS.items()},
}


def humanised(code: str) -> str:
    """A code no table knows yet (an entry written by a newer version, say), made readable:
    `mail.security_notice` → "mail security notice". Better than the code, never a crash."""
    return code.replace(".", " ").replace("_", " ").replace("-", " ").strip()


def code_label(table: Mapping[str, Any], code: str) -> str:
    """The label of `code` in `table`, translated; else the code humanised."""
    return str(table[code]) if code in table else humanised(code)


def action_label(action: str) -> str:
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return humanised(action)


def target_label(target_type: str) -> str:
    return code_label(TARGET_LABELS, target_type) if target_type else ""


def detail_items(
    detail: Mapping[str, Any], *, missions: Mapping[str, Mission] | None = None
) -> list[tuple[str, str]]:
    """(label, value) pairs for an entry's detail, in KEY_LABELS order; unknown keys last,
    as they are. `missions`: code → Mission, to name missions without a read per entry."""
    known = [k for k in KEY_LABELS if k in detail]
    rest = sorted(k for k in detail if k not in KEY_LABELS)
    change = detail.get("change")
    return [
        (_key_label(key, change), _value(key, detail[key], missions or {}, change=change))
        for key in known + rest
    ]


# The changes whose `fields` are the fields they changed (a view's are the fields it showed).
FIELDS_CHANGED_BY = frozenset({"visa_update"})


def _key_label(key: str, change: Any) -> str:
    if key == "fields" and change in FIELDS_CHANGED_BY:
        return gettext("fields changed")
    return code_label(KEY_LABELS, key)


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


def _status(value: str, change: Any) -> str:
    """A status is the visa's on a visa change, the decision undone on a duplicate's."""
    choices = VisaStatus if change == "visa_update" else MatchStatus
    return str(choices(value).label) if value in choices.values else humanised(value)


def _rule(value: str) -> str:
    """A retention rule: the stage whose period ran out, `+high_risk` when a high-risk
    nationality's shorter period did (vault/retention.py: Retention.rule)."""
    stage, high_risk, _ = value.partition(f"+{HIGH_RISK}")
    if high_risk:
        return gettext("%(stage)s, high-risk nationality") % {"stage": labels.stage_label(stage)}
    return labels.stage_label(value)


def _kind(value: str, change: Any) -> str:
    """A kind is a travel checklist item's on its change, else a case document's."""
    if change == "checklist_item":
        return str(ChecklistKind(value).label) if value in ChecklistKind.values else value
    return labels.document_kind_label(value)


def _value(key: str, value: Any, missions: Mapping[str, Mission], *, change: Any = None) -> str:
    by_key: dict[str, Callable[[Any], str]] = {
        "from": labels.stage_label,
        "to": labels.stage_label,
        "stage": labels.stage_label,
        "channel": labels.channel_label,
        "kind": lambda v: _kind(v, change),
        "verification": labels.verification_label,
        "role": labels.role_label,
        "old": _role_or_value,
        "new": _role_or_value,
        "via": lambda v: str(VIA_LABELS.get(v, v)),
        "consent": lambda v: str(CONSENT_LABELS.get(v, v)),
        "change": lambda v: code_label(CHANGE_LABELS, v),
        "status": lambda v: _status(v, change),
        "rule": _rule,
        "key": lambda v: code_label(KEY_KIND_LABELS, v),
        "job": humanised,
        "level": lambda v: str(AlertLevel(v).label) if v in AlertLevel.values else humanised(v),
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
        return ", ".join(code_label(FIELD_LABELS, str(name)) for name in value)
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
