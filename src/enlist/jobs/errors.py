"""What a job handler may raise to steer the worker (beyond any exception: retry, backoff)."""

from __future__ import annotations


class JobDeferred(Exception):  # noqa: N818  (not an error: "try again later")
    """Not now: run this job again after `seconds`, without counting an attempt (another
    worker is doing the same thing right now)."""

    def __init__(self, why: str, *, seconds: int = 30) -> None:
        super().__init__(why)
        self.seconds = seconds
