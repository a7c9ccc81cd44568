"""Display helpers for case pages: stage and transition labels in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from enlist.cases.workflow import STAGE_LABELS, Stage

register = template.Library()


@register.filter
def stage_label(value: str | None) -> str:
    """`{{ case.stage|stage_label }}`: "interview" → "Interview" (or "Співбесіда")."""
    if not value:
        return ""
    try:
        return gettext(STAGE_LABELS[Stage(value)])
    except ValueError:
        return value
