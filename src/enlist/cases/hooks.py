"""How other apps take part in the workflow without the cases app importing them.

Facts for guards: the workflow table (`workflow.py`) is pure; a guard reads a mapping of facts
and says why a move is refused. The facts live in other apps (interview verdicts, the visa
record, the unit assignment). Each such app registers a provider in its `AppConfig.ready()`;
`application_transition` gathers every provider's facts under the row lock and hands them to
the table. A guard whose fact is missing fails closed.

Stage entry: an app that must act when a case enters a stage (prepare the travel packet on
entering travel, cancel a booked interview on withdrawal) registers a handler for that stage.
Handlers run inside the transition's transaction, after the stage change is written, so if one
fails the move is undone with it.

Transfer: an app whose records belong to the mission a case is at (a booked interview with
that mission's panel) registers a handler run when HQ moves the case to another mission, inside
the transfer's transaction (``cases/transfer.py``).

Case detail: an app that adds a section to a case as staff see it (the matching app's
possible duplicates) registers a provider of extra keys for ``presentation.case_detail``;
it is called for roles that see the whole case, with the viewing user (for their scope).

Erasure: an app that keeps something of its own that could point at the person (intake: the
digest of the submitted body) registers a handler that forgets it; ``cases/erasure.py:
application_shred`` runs every handler inside its transaction, on the locked row, before the
data key is destroyed, so a handler's failure leaves the case unerased.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from enlist.accounts.models import StaffUser
    from enlist.cases.models import Application, StageChange, Transfer
    from enlist.cases.workflow import Stage

FactProvider = Callable[["Application"], Mapping[str, Any]]
# (application, the stage change just written, the staff member who made it)
StageEntryHandler = Callable[["Application", "StageChange", "StaffUser"], None]

# (application, the staff member viewing it) -> extra keys of the case detail
DetailProvider = Callable[["Application", "StaffUser"], Mapping[str, Any]]

# (application, the transfer just written, the HQ officer who made it)
TransferHandler = Callable[["Application", "Transfer", "StaffUser"], None]

# (the application being erased, locked)
ErasureHandler = Callable[["Application"], None]

_providers: list[FactProvider] = []
_transfer_handlers: list[TransferHandler] = []
_detail_providers: list[DetailProvider] = []
_entry_handlers: defaultdict[str, list[StageEntryHandler]] = defaultdict(list)
_erasure_handlers: list[ErasureHandler] = []


def register_fact_provider(provider: FactProvider) -> None:
    """Add a provider once (ready() may run more than once in tests)."""
    if provider not in _providers:
        _providers.append(provider)


class LazyFacts(Mapping[str, Any]):
    """The providers' facts, asked for only when a guard first reads one: most moves have no
    guard, and each provider costs a query."""

    def __init__(self, application: Application) -> None:
        self._application = application
        self._facts: dict[str, Any] | None = None

    def _loaded(self) -> dict[str, Any]:
        if self._facts is None:
            # The case's own row answers first (no query): consent for ``consent_confirmed``.
            facts: dict[str, Any] = {"consent_confirmed": self._application.consent_at is not None}
            for provider in _providers:
                facts.update(provider(self._application))
            self._facts = facts
        return self._facts

    def __getitem__(self, key: str) -> Any:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def gather_facts(application: Application) -> LazyFacts:
    return LazyFacts(application)


def register_stage_entry(stage: Stage | str, handler: StageEntryHandler) -> None:
    """Call `handler` whenever a case enters `stage` (once per handler)."""
    handlers = _entry_handlers[str(stage)]
    if handler not in handlers:
        handlers.append(handler)


def stage_entered(application: Application, change: StageChange, actor: StaffUser) -> None:
    for handler in _entry_handlers.get(change.to_stage, ()):
        handler(application, change, actor)


def register_detail_provider(provider: DetailProvider) -> None:
    """Add a provider of extra case-detail keys once."""
    if provider not in _detail_providers:
        _detail_providers.append(provider)


def detail_sections(application: Application, user: StaffUser) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for provider in _detail_providers:
        sections.update(provider(application, user))
    return sections


def register_transfer_handler(handler: TransferHandler) -> None:
    """Call `handler` whenever a case moves to another mission (once per handler)."""
    if handler not in _transfer_handlers:
        _transfer_handlers.append(handler)


def transferred(application: Application, transfer: Transfer, actor: StaffUser) -> None:
    for handler in _transfer_handlers:
        handler(application, transfer, actor)


def register_erasure_handler(handler: ErasureHandler) -> None:
    """Call `handler` whenever a case is erased (once per handler)."""
    if handler not in _erasure_handlers:
        _erasure_handlers.append(handler)


def erasure_handlers_run(application: Application) -> None:
    for handler in _erasure_handlers:
        handler(application)
