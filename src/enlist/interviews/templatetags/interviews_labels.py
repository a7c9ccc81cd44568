"""Interview codes in the reader's words: `{{ interview.status|interview_status_label }}`
("no_show" → "No-show", or "Неявка"), and a verdict's choices and experience keys."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

from enlist.cases.labels import choice_label, specialty_label
from enlist.interviews.models import Confidence, InterviewStatus, LanguageAbility, Readiness

register = template.Library()

# The verdict form's labels of the experience it records (services.py: EXPERIENCE_KEYS).
EXPERIENCE_LABELS = {
    "service": gettext_lazy("Service (branch, country)"),
    "unit": gettext_lazy("Unit"),
    "dates": gettext_lazy("Dates of service"),
    "rank": gettext_lazy("Rank"),
    "specialty": gettext_lazy("Specialty"),
}


@register.filter
def interview_status_label(value: str | None) -> str:
    return choice_label(InterviewStatus, value)


@register.filter
def confidence_label(value: str | None) -> str:
    return choice_label(Confidence, value)


@register.filter
def readiness_label(value: str | None) -> str:
    return choice_label(Readiness, value)


@register.filter
def language_ability_label(value: str | None) -> str:
    return choice_label(LanguageAbility, value)


@register.filter
def experience_label(key: str) -> str:
    return str(EXPERIENCE_LABELS.get(key, key))


@register.filter
def experience_value(value: str, key: str) -> str:
    """What the panel verified, as written; a specialty of the legion's list by its label
    (`cases/specialties.py`), as everywhere else a specialty is shown."""
    return specialty_label(value) if key == "specialty" and isinstance(value, str) else value
