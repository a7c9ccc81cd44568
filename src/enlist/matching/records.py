"""The values the matching engine takes in and gives back. Plain frozen dataclasses, no Django.

A ``Record`` is one application as typed (any field may be empty). A ``ScoredPair`` says how
likely two records are the same person, with the evidence of every field behind the number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Record:
    """One application as typed; ``id`` is the caller's identifier, unique within a run.

    ``residence_country`` is optional: with ``nationality`` it gives the default region of a
    phone number written without its country code.
    """

    id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    nationality: str = ""
    passport_number: str = ""
    email: str = ""
    phone: str = ""
    city: str = ""
    residence_country: str = ""


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """How one compared field of a pair voted.

    ``level`` names the agreement level ("exact", "transliteration or nickname", "typo",
    "disagree", "missing", ...); ``weight`` is its log2 Bayes factor (m/u): positive for
    evidence of the same person, negative against, 0 when a value is missing.
    """

    field: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two record ids (``left`` < ``right`` in batch mode), the match probability and why."""

    left: str
    right: str
    probability: float
    evidence: tuple[FieldEvidence, ...]

    @property
    def match_weight(self) -> float:
        """Sum of field weights: the log2 likelihood ratio, before the prior."""
        return sum(e.weight for e in self.evidence)
