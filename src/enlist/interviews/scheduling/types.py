"""The scheduler's vocabulary: what goes in (a mission's problem) and what comes out.

Plain frozen dataclasses, no Django; every other module of the scheduler imports them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Role = Literal["attache", "consul"]
Mode = Literal["in_person", "video"]
MODES: frozenset[str] = frozenset({"in_person", "video"})


@dataclass(frozen=True)
class Window:
    """A half-open interval of time [start, end), timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Window needs timezone-aware datetimes")
        if self.end <= self.start:
            raise ValueError("Window must end after it starts")


@dataclass(frozen=True)
class PanelMember:
    id: str
    role: Role
    languages: frozenset[str]
    available: tuple[Window, ...]


@dataclass(frozen=True)
class Venue:
    """A room (``in_person``) or a video link (``video``); either hosts one interview at a time."""

    id: str
    mode: Mode
    available: tuple[Window, ...]


@dataclass(frozen=True)
class Interpreter:
    id: str
    languages: frozenset[str]
    available: tuple[Window, ...]


@dataclass(frozen=True)
class WaitingCase:
    id: str
    languages: frozenset[str]
    unavailable: tuple[Window, ...]
    recommended: bool
    waiting_since: datetime
    modes: frozenset[str] = MODES


@dataclass(frozen=True)
class Booking:
    case_id: str
    start: datetime
    end: datetime
    attache_id: str
    consul_id: str
    venue_id: str
    interpreter_id: str | None
    confirmed: bool


@dataclass(frozen=True)
class MissionProblem:
    mission: str
    members: tuple[PanelMember, ...]
    venues: tuple[Venue, ...]
    interpreters: tuple[Interpreter, ...]
    cases: tuple[WaitingCase, ...]
    existing: tuple[Booking, ...]
    length: timedelta
    buffer: timedelta
    horizon: Window
    step: timedelta = timedelta(minutes=15)
    replan_unconfirmed: bool = False


@dataclass(frozen=True)
class ScheduleResult:
    mission: str
    bookings: tuple[Booking, ...]
    """Kept existing bookings followed by the new ones."""
    new: tuple[Booking, ...]
    unbooked: dict[str, str]
    """Case id -> why it stays unbooked (plain words, no personal data)."""
    objective: int
    """Number of new bookings."""
    bound: int
    """Upper bound on the number of new bookings any valid schedule could make."""
    optimal: bool
    seconds: float
    released: tuple[Booking, ...] = ()
    """Unconfirmed existing bookings given up by a re-plan (their case may be in ``new``)."""
    method: str = "slots+matching"
    """``slots+matching``, ``slots+matching+gaps`` (some cases fitted between the booked
    interviews) or ``cp-sat`` (the exact model improved on both)."""
    panel_slots: int = 0
    """Panel slots packed by the greedy phase (booked or not)."""

    @property
    def gap(self) -> float:
        """Booked / bound (1.0 when the bound is 0)."""
        return self.objective / self.bound if self.bound else 1.0
