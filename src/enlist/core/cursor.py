"""Keyset cursors: where a page of a long list starts, as a short opaque token. No Django.

A list ordered newest first by (time, id) is paged by remembering the last row shown and
asking for the rows after it (``WHERE (t, id) after (t0, id0) ... LIMIT n``), which an index
answers in the same few milliseconds on page 1 and on page 40,000; ``OFFSET`` reads and throws
away every row before the page. The token holds only that row's time (microseconds since the
epoch) and its opaque id: nothing personal, so it may sit in a URL.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MAX_TOKEN = 80


class BadCursor(ValueError):
    """The token is not one this module made."""


@dataclass(frozen=True)
class Cursor:
    at: datetime.datetime
    id: uuid.UUID
    backwards: bool = False  # True: the page before this row ("Previous")

    def token(self) -> str:
        micros = (self.at - _EPOCH) // datetime.timedelta(microseconds=1)
        return f"{'b' if self.backwards else 'a'}{micros}.{self.id.hex}"


def cursor_parse(token: str) -> Cursor:
    """The cursor a token names; BadCursor for anything else (the caller names the field)."""
    if not token or len(token) > _MAX_TOKEN or token[0] not in "ab" or "." not in token:
        raise BadCursor(token)
    micros, _, hex_id = token[1:].partition(".")
    try:
        if not micros.lstrip("-").isdigit():
            raise ValueError(micros)
        at = _EPOCH + datetime.timedelta(microseconds=int(micros))
        return Cursor(at=at, id=uuid.UUID(hex=hex_id), backwards=token[0] == "b")
    except (ValueError, OverflowError):
        raise BadCursor(token) from None


@dataclass(frozen=True)
class SequenceCursor:
    """Where a page of a list ordered by a unique integer, highest first, starts (the audit
    trail by its sequence): the last row's number, or the first's for the page before."""

    sequence: int
    backwards: bool = False

    def token(self) -> str:
        return f"{'b' if self.backwards else 'a'}{self.sequence}"


def sequence_cursor_parse(token: str) -> SequenceCursor:
    """The cursor a token names; BadCursor for anything else (the caller names the field)."""
    if (
        not token
        or len(token) > 21
        or token[0] not in "ab"
        or not (token[1:].isascii() and token[1:].isdigit())
    ):
        raise BadCursor(token)
    return SequenceCursor(sequence=int(token[1:]), backwards=token[0] == "b")
