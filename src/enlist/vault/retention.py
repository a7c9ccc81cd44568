"""How long a closed case keeps its personal data. Pure policy, no Django.

A case is kept for a number of days after it reaches a final stage, then its data key is
destroyed (``cases.erasure``). The clock starts when the case entered that stage (its
``stage_changed_at``: the decision, the withdrawal, or enlistment, i.e. the handover to the
unit). Applicants whose country prosecutes or warns against volunteering (advisory
``prosecuted`` or ``warned``) are high-risk: whatever final stage they reach, their case is
kept for the shortest period of ALL the configured rules (``high_risk`` and every stage's),
so that a configuration that makes ``high_risk`` longer than some stage cannot keep them
longer than anyone else.

    stage       days after entering it   high-risk
    rejected    90                       min(90, 90, 30, 30, 7) = 7
    referred    90                       7
    withdrawn   30                       7
    enlisted    30                       7
    open stages never (the case is in progress)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HIGH_RISK = "high_risk"
HIGH_RISK_ADVISORIES = frozenset({"prosecuted", "warned"})
DEFAULT_RETENTION_DAYS: Mapping[str, int] = {
    "rejected": 90,
    "referred": 90,
    "withdrawn": 30,
    "enlisted": 30,
    HIGH_RISK: 7,
}


class PolicyError(ValueError):
    """The configured retention table is incomplete or malformed."""


def is_high_risk(advisory_status: str) -> bool:
    return advisory_status in HIGH_RISK_ADVISORIES


@dataclass(frozen=True)
class Cutoff:
    """Cases in `stage` (high-risk ones only, when `high_risk`) that entered it at or before
    `before` are due for erasure."""

    stage: str
    high_risk: bool
    before: datetime.datetime


@dataclass(frozen=True)
class RetentionPolicy:
    stage_days: Mapping[str, int]  # final stage -> days kept after entering it
    high_risk_days: int

    @classmethod
    def from_days(cls, days: Mapping[str, int], *, final_stages: Iterable[str]) -> RetentionPolicy:
        """Build from a settings table: every final stage and ``high_risk``, whole days >= 0."""
        expected = {*final_stages, HIGH_RISK}
        missing, unknown = sorted(expected - set(days)), sorted(set(days) - expected)
        if missing or unknown:
            raise PolicyError(f"retention days: missing {missing}, unknown {unknown}")
        for name, value in days.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PolicyError(f"retention days for {name} must be a whole number >= 0")
        stage_days = {name: value for name, value in days.items() if name != HIGH_RISK}
        return cls(stage_days=stage_days, high_risk_days=days[HIGH_RISK])

    def days(self, *, stage: str, high_risk: bool) -> int | None:
        """Days a case in `stage` is kept after entering it; None while the stage is open."""
        base = self.stage_days.get(stage)
        if base is None:
            return None
        return self.shortest_days if high_risk else base

    @property
    def shortest_days(self) -> int:
        """What a high-risk case keeps: the shortest of every configured rule."""
        return min([self.high_risk_days, *self.stage_days.values()])

    def erase_after(
        self, *, stage: str, entered_at: datetime.datetime, high_risk: bool
    ) -> datetime.datetime | None:
        days = self.days(stage=stage, high_risk=high_risk)
        return None if days is None else entered_at + datetime.timedelta(days=days)

    def is_due(
        self,
        *,
        stage: str,
        entered_at: datetime.datetime,
        high_risk: bool,
        now: datetime.datetime,
    ) -> bool:
        erase_after = self.erase_after(stage=stage, entered_at=entered_at, high_risk=high_risk)
        return erase_after is not None and erase_after <= now

    def cutoffs(self, *, now: datetime.datetime) -> list[Cutoff]:
        """The same rule as ``is_due``, as conditions a database query can use: for each
        final stage, every case entered before its cutoff, and high-risk ones before theirs."""
        result = []
        for stage in sorted(self.stage_days):
            normal = self.days(stage=stage, high_risk=False)
            shortest = self.days(stage=stage, high_risk=True)
            assert normal is not None and shortest is not None  # nosec B101  # an invariant, not a check of input
            result.append(Cutoff(stage, False, now - datetime.timedelta(days=normal)))
            if shortest < normal:
                result.append(Cutoff(stage, True, now - datetime.timedelta(days=shortest)))
        return result

    def rule(self, *, stage: str, high_risk: bool) -> str:
        """The name of the rule that applies (for reports and the audit trail)."""
        shorter = high_risk and self.days(stage=stage, high_risk=True) != self.stage_days[stage]
        return f"{stage}+{HIGH_RISK}" if shorter else stage
