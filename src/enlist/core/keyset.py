"""Pages of long lists by keyset, with counts capped: the Django half of ``core/cursor.py``.

A page is one index range read after (or before) the row its cursor names, never an
``OFFSET``; a list says how many rows it has up to ``COUNT_CAP`` and then "more than", reading
at most ``COUNT_CAP + 1`` index entries. The case list pages by (time, id)
(``cases/selectors.py: application_page``); the lists ordered by a unique number, highest
first (the audit trail), page here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest

from enlist.core.bounds import PAGE_MAX, int_from_text
from enlist.core.cursor import BadCursor, SequenceCursor, sequence_cursor_parse
from enlist.errors import FieldError, InvalidInput

# Lists count their rows up to this many and then say "more than": an exact COUNT(*) over a
# million rows on every render is what made the lists slow, and nobody pages through 1,000.
COUNT_CAP = 1000


def capped_count(queryset: QuerySet, *, cap: int | None = None) -> tuple[int, bool]:
    """(rows, more than the cap?) reading at most cap + 1 index entries."""
    limit = COUNT_CAP if cap is None else cap
    found = queryset.order_by()[: limit + 1].count()
    return min(found, limit), found > limit


Row = TypeVar("Row")
Position = TypeVar("Position")


@dataclass(frozen=True)
class KeysetPage(Generic[Row]):
    """One page of a list, found by keyset, with a capped count."""

    rows: list[Row]
    count: int  # exact up to COUNT_CAP, else COUNT_CAP
    more: bool  # True: more than COUNT_CAP rows match
    next: str | None  # cursor token of the next page
    previous: str | None  # cursor token of the page before


def cursor_read(
    token: str | None, parse: Callable[[str], Position], *, field: str
) -> Position | None:
    """The position a page's cursor names, None for the first page; InvalidInput naming
    `field` for a token that is not a cursor of this list."""
    if not token:
        return None
    try:
        return parse(token)
    except BadCursor:
        raise InvalidInput([FieldError(field, "Not a page of this list.")]) from None


def keyset_page(
    newest: QuerySet,
    *,
    size: int,
    beyond: QuerySet | None,
    backwards: bool,
    token: Callable[[Any, bool], str],
) -> KeysetPage[Any]:
    """One page of the list `newest` (ordered newest first) and its cursors.

    `beyond` is None on the first page; else the rows past the cursor in the reading
    direction, ordered that way: older rows going forward, newer rows ordered oldest first
    going backwards. Reading one row more than the page tells whether another page follows.
    `token(row, backwards)` makes the cursor of a row.
    """
    count, more = capped_count(newest)
    rows = list((newest if beyond is None else beyond)[: size + 1])
    overflow = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_more, before = True, overflow
    else:
        has_more, before = overflow, beyond is not None
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    return KeysetPage(
        rows=rows,
        count=count,
        more=more,
        next=token(last, False) if has_more and last else None,
        previous=token(first, True) if before and first else None,
    )


def sequence_page(
    queryset: QuerySet, *, key: str, cursor: str | None, size: int, field: str = "after"
) -> KeysetPage[Any]:
    """The page of `queryset` ordered by the unique integer column `key`, highest first,
    that starts after the row `cursor` names (or ends before it, for a backwards cursor).

    InvalidInput naming `field` for a token that is not a cursor.
    """
    position = cursor_read(cursor, sequence_cursor_parse, field=field)
    newest = queryset.order_by(f"-{key}")
    beyond = None
    if position is not None and position.backwards:
        beyond = queryset.filter(**{f"{key}__gt": position.sequence}).order_by(key)
    elif position is not None:
        beyond = newest.filter(**{f"{key}__lt": position.sequence})
    return keyset_page(
        newest,
        size=size,
        beyond=beyond,
        backwards=position is not None and position.backwards,
        token=lambda row, backwards: SequenceCursor(getattr(row, key), backwards).token(),
    )


def page_number(request: HttpRequest) -> int:
    """The page number a keyset pager carries beside its cursor (shown, and audited); 1 for
    anything that is not one."""
    try:
        return int_from_text(
            request.GET.get("page") or "1", field="page", minimum=2, maximum=PAGE_MAX
        )
    except InvalidInput:
        return 1
