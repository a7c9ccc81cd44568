"""The dashboard's filters from a query string: period, mission, nationality.

Bad input is named by field (``from``, ``to``, ``mission``, ``nationality``); the period
defaults to the last 90 days and is at most two years long.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _

from enlist.errors import FieldError, InvalidInput
from enlist.missions.models import Country, Mission
from enlist.reports.selectors import ReportFilters

DEFAULT_DAYS = 90
MAX_DAYS = 731


def _date(params: Mapping[str, str], name: str, errors: list) -> datetime.date | None:
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(name, _("Enter a date as YYYY-MM-DD.")))
        return None


def report_filters(
    params: Mapping[str, str], *, mission: Mission | None = None, today: datetime.date | None = None
) -> tuple[ReportFilters, Mission | None]:
    """The filters asked for; `mission` fixes the mission (a mission's view). Returns the
    filters and the mission chosen, if any. Raises InvalidInput naming each bad field."""
    today = today or timezone.now().date()
    errors: list[FieldError] = []
    end = _date(params, "to", errors) or today
    start = _date(params, "from", errors) or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        errors.append(FieldError("from", _("The period starts after it ends.")))
    elif (end - start).days >= MAX_DAYS:
        errors.append(FieldError("from", _("The period is at most two years long.")))
    chosen = mission
    code = (params.get("mission") or "").strip()
    if mission is None and code:
        chosen = Mission.objects.filter(code=code[:40]).first()
        if chosen is None:
            errors.append(FieldError("mission", _("No mission has this code.")))
    nationality = (params.get("nationality") or "").strip().upper() or None
    if nationality and not Country.objects.filter(code=nationality[:2]).exists():
        errors.append(FieldError("nationality", _("No country has this code.")))
    if errors:
        raise InvalidInput(errors)
    return (
        ReportFilters(
            start=start,
            end=end,
            mission_id=chosen.pk if chosen else None,
            nationality=nationality,
        ),
        chosen,
    )
