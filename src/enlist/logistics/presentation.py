"""How a suggestion is explained to HQ: one line per part of the score (pages and API)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from enlist.cases.labels import specialty_label
from enlist.logistics.assignment import ScorePart, Suggestion, UnitScore


def part_text(part: ScorePart) -> str:
    texts = {
        "preference": _("the volunteer asked for this unit"),
        "nationality": _("takes volunteers of nationality %(detail)s"),
        "language": _("shares the language %(detail)s"),
        "no_language": _("no language in common"),
        "specialty": _("wants the specialty %(detail)s"),
    }
    # A specialty part names the unit's wanted specialty (a code of the legion's list).
    detail = specialty_label(part.detail) if part.code == "specialty" else part.detail
    return texts[part.code] % {"detail": detail}


def score_out(score: UnitScore) -> dict[str, Any]:
    return {
        "unit": score.unit,
        "total": score.total,
        "parts": [
            {"code": p.code, "points": p.points, "detail": p.detail, "text": part_text(p)}
            for p in score.parts
        ],
    }


def suggestion_out(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "unit": suggestion.unit,
        "score": score_out(suggestion.score) if suggestion.score else None,
        "ranking": [score_out(s) for s in suggestion.ranking],
    }
