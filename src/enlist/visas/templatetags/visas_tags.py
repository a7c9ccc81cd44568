"""The visa section of the case page: status, type and validity only (no personal field)."""

from __future__ import annotations

from typing import Any

from django import template

from enlist.visas.models import Visa

register = template.Library()


@register.inclusion_tag("visas/case_section.html")
def visa_section(case_id: str) -> dict[str, Any]:
    visa = (
        Visa.objects.filter(application_id=case_id)
        .only("status", "visa_type", "valid_until")
        .first()
    )
    return {"case_id": case_id, "visa": visa}
