"""`{{ unit.name|reference_text }}`: reference data seeded in English (units, checklists) in
the reader's language when the catalogs have it; a text staff wrote themselves stays as
written (see docs/adr/0022-translated-reference-data.md)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def reference_text(value: object) -> str:
    text = "" if value is None else str(value)
    return gettext(text) if text else ""
