"""Facts the workflow guards read, gathered from the apps that own them.

The workflow table (`workflow.py`) is pure: a guard reads a mapping of facts and says why a
move is refused. The facts live in other apps (interview verdicts, the visa record, the unit
assignment), which the cases app must not import. Each such app registers a provider in its
`AppConfig.ready()`; `application_transition` gathers every provider's facts under the row
lock and hands them to the table. A guard whose fact is missing fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from enlist.cases.models import Application

FactProvider = Callable[["Application"], Mapping[str, Any]]

_providers: list[FactProvider] = []


def register_fact_provider(provider: FactProvider) -> None:
    """Add a provider once (ready() may run more than once in tests)."""
    if provider not in _providers:
        _providers.append(provider)


def gather_facts(application: Application) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for provider in _providers:
        facts.update(provider(application))
    return facts
