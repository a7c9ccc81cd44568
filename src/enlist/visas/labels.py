"""The names of a visa record's fields as people read them, in the reader's language: the
visa page's headings and the audit trail's list of the fields a visa change touched or a view
showed (`visas/services.py: visa_update`, `visas/views.py: VISA_PERSONAL_FIELDS`) are the same
words."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

VISA_FIELD_LABELS = {
    "status": gettext_lazy("Visa status"),
    "visa_type": gettext_lazy("Visa type"),
    "applied_on": gettext_lazy("Applied on"),
    "number": gettext_lazy("Visa number"),
    "valid_from": gettext_lazy("Valid from"),
    "valid_until": gettext_lazy("Valid until"),
    "consular_notes": gettext_lazy("Consular notes"),
    # not a field of the record: its ticks on the checklist of required documents
    "checklist": gettext_lazy("Required documents"),
}
