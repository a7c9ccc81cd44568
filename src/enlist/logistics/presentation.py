"""How a suggestion is explained to HQ: one line per part of the score (pages and API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from enlist.cases.labels import specialty_label
from enlist.logistics.assignment import ScorePart, Suggestion, UnitScore
from enlist.missions.place_names import country_name_from_code, language_name


def part_text(part: ScorePart) -> str:
    texts = {
        "preference": _("the volunteer asked for this unit"),
        "nationality": _("takes volunteers of nationality %(detail)s"),
        "language": _("shares the language %(detail)s"),
        "no_language": _("no language in common"),
        "specialty": _("wants the specialty %(detail)s"),
    }
    # Each part names its detail by code (a specialty of the legion's list, a country, a
    # language): the reader is shown its name.
    names: dict[str, Callable[[str], str]] = {
        "specialty": specialty_label,
        "nationality": country_name_from_code,
        "language": language_name,
    }
    detail = names[part.code](part.detail) if part.code in names else part.detail
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
