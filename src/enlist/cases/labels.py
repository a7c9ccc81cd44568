"""Codes as people read them, in the reader's language: stages, channels, roles, document
kinds and the screening recommendation with its reasons. Pages and emails show these labels,
never the codes (`walk_in`, `needs_documents`) the database and the API keep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext, gettext_lazy, ngettext

from enlist.accounts.roles import ROLE_LABELS, Role
from enlist.cases.models import Channel, DocumentKind, Verification
from enlist.cases.screening import Outcome
from enlist.cases.specialties import SPECIALTY_LABELS, specialty_code
from enlist.cases.workflow import STAGE_LABELS, Stage

OUTCOME_LABELS = {
    Outcome.PROCEED: gettext_lazy("Recommended for an interview"),
    Outcome.NEEDS_DOCUMENTS: gettext_lazy("Needs verified military documents"),
    Outcome.REFER: gettext_lazy("Refer to humanitarian volunteering"),
    Outcome.DECLINE: gettext_lazy("Outside the age limits"),
}


def choice_label(choices: type[models.TextChoices], value: str | None) -> str:
    """The translated label of `value` among a TextChoices, else the value as it is (a value
    the choices no longer hold is shown as stored)."""
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _table_label(table: Mapping[Any, Any], kind: Any, value: str | None) -> str:
    """The translated label of `value` in a table keyed by the enum `kind`, else the value
    as it is (a code from an older version, say)."""
    if not value:
        return ""
    try:
        label = table[kind(value)]
    except ValueError:
        return value
    # A table of plain msgids (the pure modules' own) is translated here; a lazy one already is.
    return gettext(label) if isinstance(label, str) else str(label)


def stage_label(value: str | None) -> str:
    return _table_label(STAGE_LABELS, Stage, value)


def channel_label(value: str | None) -> str:
    return choice_label(Channel, value)


def document_kind_label(value: str | None) -> str:
    return choice_label(DocumentKind, value)


def verification_label(value: str | None) -> str:
    return choice_label(Verification, value)


def specialty_label(text: str) -> str:
    """A listed specialty in the reader's language; any other text as it was entered."""
    label = SPECIALTY_LABELS.get(specialty_code(text))
    return gettext(label) if label is not None else text


def specialty_labels(specialties: Iterable[str] | None) -> str:
    return ", ".join(specialty_label(s) for s in specialties or ())


# Who acted when no member of staff did (history and audit entries).
ACTOR_LABELS = {
    "applicant": gettext_lazy("applicant"),
    "system": gettext_lazy("system"),
    "anonymous": gettext_lazy("not signed in"),
}


def role_label(value: str | None) -> str:
    if not value:
        return ""
    if value in ACTOR_LABELS:
        return str(ACTOR_LABELS[value])
    return _table_label(ROLE_LABELS, Role, value)


def outcome_label(value: str | None) -> str:
    return _table_label(OUTCOME_LABELS, Outcome, value)


def reason_text(reason: Mapping[str, Any]) -> str:
    """One screening reason (`cases/presentation.py`: code, message, values) as a sentence
    in the reader's language; a reason this module does not know keeps its English message."""
    code, values = reason.get("code"), reason.get("values") or {}
    if code == "age" and "age" in values:
        return gettext("Aged %(age)s at application (accepted: %(min)s–%(max)s).") % values
    if code == "service" and "years" in values:
        years = values["years"]
        if values.get("needed"):
            return (
                ngettext(
                    "%(years)s year of military service (at least %(needed)s needed).",
                    "%(years)s years of military service (at least %(needed)s needed).",
                    years,
                )
                % values
            )
        return ngettext(
            "%(years)s year of military service.", "%(years)s years of military service.", years
        ) % {"years": years}
    if code == "combat" and "count" in values:
        if not values["count"]:
            return gettext("No combat deployment.")
        return ngettext(
            "%(count)s combat deployment: preferred.",
            "%(count)s combat deployments: preferred.",
            values["count"],
        ) % {"count": values["count"]}
    if code == "peacekeeping":
        return gettext("Served in peacekeeping.")
    if code == "documents":
        kinds = values.get("kinds")
        if kinds:
            listed = ", ".join(document_kind_label(kind) for kind in kinds)
            return gettext("Verified: %(documents)s.") % {"documents": listed}
        if reason.get("favourable") is False:
            return gettext("No verified military document yet.")
    return str(reason.get("message", ""))
