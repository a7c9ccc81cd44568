"""How a candidate pair is shown: labels for the engine's fields and agreement levels, the
queue rows and the side-by-side comparison HQ decides on."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.accounts.models import StaffUser
from enlist.cases.models import Application
from enlist.cases.presentation import ERASED, case_detail
from enlist.matching.models import MatchCandidate
from enlist.matching.selectors import evidence_list
from enlist.matching.services import can_unlink

FIELD_LABELS = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "date_of_birth": _("Date of birth"),
    "passport_number": _("Passport"),
    "email": _("Email"),
    "phone": _("Phone"),
    "city": _("City"),
    "nationality": _("Nationality"),
    "relatives": _("Relatives"),
}
LEVEL_LABELS = {
    "exact": _("exact"),
    "disagree": _("disagree"),
    "similar": _("similar"),
    "very similar": _("very similar"),
    "same name or nickname": _("same name (transliteration or nickname)"),
    "same year": _("same year"),
    "one part off": _("one part off"),
    "day and month swapped": _("day and month swapped"),
    "one character off": _("one character off"),
    "same mailbox name": _("same mailbox name"),
    "same last 8 digits": _("same last 8 digits"),
    "could be relatives": _("could be relatives (shared family name, household, birth date)"),
}


def percent(probability: float) -> str:
    """A probability as a reader sees it, rounded down: 0.99996 is "99.99", never "100"
    (the engine gives no pair certainty; only an automatic link is beyond review)."""
    value = math.floor(probability * 10_000) / 100
    return f"{min(value, 99.99):.2f}"


def model_summary() -> dict[str, Any]:
    """The scoring model in use: its version and how many HQ decisions it learned from."""
    from enlist.matching.models import MatchModel

    latest = MatchModel.objects.order_by("-version").values("version", "decisions").first()
    return dict(latest) if latest is not None else {"version": 0, "decisions": 0}


def queue_row(candidate: MatchCandidate) -> dict[str, Any]:
    """One open pair in the queue: both references and missions, probability, evidence."""

    def side(application: Application) -> dict[str, Any]:
        return {
            "id": str(application.pk),
            "reference": ERASED if application.is_erased else application.reference,
            "mission": application.mission.code,
            "stage": application.stage,
            "submitted_at": application.submitted_at,
        }

    return {
        "id": str(candidate.pk),
        "probability": round(candidate.probability, 4),
        "percent": percent(candidate.probability),
        "model_version": candidate.model_version,
        "status": candidate.status,
        "found_at": candidate.found_at,
        "decided_at": candidate.decided_at,
        "left": side(candidate.left),
        "right": side(candidate.right),
        "evidence": evidence_list(candidate.evidence),
    }


# Rows of the side-by-side view: (label, case-detail key, the engine field it is evidence for)
COMPARED_ROWS: tuple[tuple[Any, str, str | None], ...] = (
    (_("Reference"), "reference", None),
    (_("Given name"), "given_name", "given_name"),
    (_("Family name"), "family_name", "family_name"),
    (_("Given name (native script)"), "given_name_native", None),
    (_("Family name (native script)"), "family_name_native", None),
    (_("Date of birth"), "date_of_birth", "date_of_birth"),
    (_("Nationality"), "nationality", "nationality"),
    (_("Residence"), "residence_country", None),
    (_("Passport"), "passport_number", "passport_number"),
    (_("Email"), "email", "email"),
    (_("Phone"), "phone", "phone"),
    (_("Mission"), "mission", None),
    (_("Channel"), "channel", None),
    (_("Stage"), "stage", None),
    (_("Submitted"), "submitted_at", None),
)


def _shown(value: Any) -> Any:
    """Dates and times as the case page writes them (ISO order, local time)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def pair_detail(candidate: MatchCandidate, *, user: StaffUser) -> dict[str, Any]:
    """The pair with both cases as HQ sees them (``cases.presentation.case_detail``)."""
    left = case_detail(candidate.left, user=user)
    right = case_detail(candidate.right, user=user)
    evidence = {e["field"]: e for e in evidence_list(candidate.evidence)}
    rows = [
        {
            "key": key,
            "label": label,
            "left": _shown(left.get(key)),
            "right": _shown(right.get(key)),
            "evidence": evidence.get(field) if field else None,
        }
        for label, key, field in COMPARED_ROWS
    ]
    return {
        **queue_row(candidate),
        "decided_at": candidate.decided_at,
        "decided_by": candidate.decided_by.username if candidate.decided_by else None,
        "can_unlink": can_unlink(candidate),
        "left_case": left,
        "right_case": right,
        "rows": rows,
    }
