"""Interview codes in the reader's words: `{{ interview.status|interview_status_label }}`
("no_show" → "No-show", or "Неявка"), and a verdict's choices and experience keys."""

from __future__ import annotations

from django import template
from django.db import models
from django.utils.translation import gettext_lazy

from enlist.cases.labels import specialty_label
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


def _choice_label(choices: type[models.TextChoices], value: str | None) -> str:
    """The label of `value`; a value the choices no longer hold is shown as stored."""
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def interview_status_label(value: str | None) -> str:
    return _choice_label(InterviewStatus, value)


@register.filter
def confidence_label(value: str | None) -> str:
    return _choice_label(Confidence, value)


@register.filter
def readiness_label(value: str | None) -> str:
    return _choice_label(Readiness, value)


@register.filter
def language_ability_label(value: str | None) -> str:
    return _choice_label(LanguageAbility, value)


@register.filter
def experience_label(key: str) -> str:
    return str(EXPERIENCE_LABELS.get(key, key))


@register.filter
def experience_value(value: str, key: str) -> str:
    """What the panel verified, as written; a specialty of the legion's list by its label
    (`cases/specialties.py`), as everywhere else a specialty is shown."""
    return specialty_label(value) if key == "specialty" and isinstance(value, str) else value
