"""`{{ interview.status|interview_status_label }}`: "no_show" → "No-show" (or "Неявка")."""

from __future__ import annotations

from django import template

from enlist.interviews.models import InterviewStatus

register = template.Library()


@register.filter
def interview_status_label(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(InterviewStatus(value).label)
    except ValueError:
        return value
