"""Labels of the engine's fields and agreement levels in the reader's language."""

from __future__ import annotations

from django import template

from enlist.matching.presentation import FIELD_LABELS, LEVEL_LABELS

register = template.Library()


@register.filter
def evidence_field(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


@register.filter
def evidence_level(level: str) -> str:
    return str(LEVEL_LABELS.get(level, level))
