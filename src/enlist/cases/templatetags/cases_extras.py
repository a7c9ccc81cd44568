"""Display helpers for case pages: codes shown as labels in the reader's language
(`{{ case.stage|stage_label }}`: "interview" → "Interview" or "Співбесіда"); the labels
themselves live in `cases/labels.py`."""

from __future__ import annotations

from django import template

from enlist.cases import labels

register = template.Library()

register.filter("stage_label", labels.stage_label)
register.filter("channel_label", labels.channel_label)
register.filter("role_label", labels.role_label)
register.filter("outcome_label", labels.outcome_label)
register.filter("reason_text", labels.reason_text)
register.filter("document_kind_label", labels.document_kind_label)
register.filter("verification_label", labels.verification_label)
register.filter("specialty_labels", labels.specialty_labels)
