"""Saved filters of the case list, per staff member: a name and the list's own filters.

A saved filter holds only what the list's address holds (stage, mission, nationality, days
waiting), never a search term. Each user keeps at most ``SAVED_FILTERS_MAX``; the names are
theirs (unique per user). Applying one is following its link: the list checks it again, so a
filter saved before a change of scope shows only what the user may see now.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import IntegrityError, transaction

from enlist.accounts.models import StaffUser
from enlist.cases.models import SavedFilter
from enlist.cases.selectors import CaseFilters
from enlist.errors import FieldError, InvalidInput, NotFound

SAVED_FILTERS_MAX = 20
NAME_MAX_LENGTH = 60


def saved_filter_query(saved: SavedFilter) -> str:
    """The list's query string for a saved filter (without the leading "?")."""
    values = {
        "stage": saved.stage,
        "mission": saved.mission,
        "nationality": saved.nationality,
        "waiting_days": "" if saved.waiting_days is None else str(saved.waiting_days),
    }
    return urlencode({key: value for key, value in values.items() if value})


@transaction.atomic
def saved_filter_save(*, user: StaffUser, name: str, filters: CaseFilters) -> SavedFilter:
    """Save (or replace, under the same name) the user's filter. InvalidInput naming
    ``name`` (empty, too long, one too many) or ``filters`` (nothing to save)."""
    name = name.strip()
    if not name:
        raise InvalidInput([FieldError("name", "Give the filter a name.")])
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput([FieldError("name", f"At most {NAME_MAX_LENGTH} characters.")])
    if not any(vars(filters).values()) and filters.waiting_days is None:
        raise InvalidInput([FieldError("filters", "Choose at least one filter to save.")])
    values = {
        "stage": filters.stage or "",
        "mission": filters.mission or "",
        "nationality": (filters.nationality or "").upper(),
        "waiting_days": filters.waiting_days,
    }
    existing = SavedFilter.objects.select_for_update().filter(user=user)
    if not existing.filter(name=name).exists() and existing.count() >= SAVED_FILTERS_MAX:
        raise InvalidInput(
            [FieldError("name", f"At most {SAVED_FILTERS_MAX} saved filters: delete one first.")]
        )
    try:
        saved, _ = SavedFilter.objects.update_or_create(user=user, name=name, defaults=values)
    except IntegrityError:  # the same name saved at the same moment in another tab
        raise InvalidInput([FieldError("name", "This name is already used.")]) from None
    return saved


def saved_filter_delete(*, user: StaffUser, filter_id: int) -> None:
    """Delete one of the user's own filters; NotFound for anyone else's (as for a case)."""
    deleted, _ = SavedFilter.objects.filter(user=user, pk=filter_id).delete()
    if not deleted:
        raise NotFound()
