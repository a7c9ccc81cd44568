"""The domain errors of Enlist, and the HTTP status each one maps to.

    EnlistError
    ├── MalformedBody (400)         a body that does not parse (broken JSON, too deep, not UTF-8)
    ├── InvalidInput (422)          one or more fields are wrong; carries [FieldError]
    ├── NotFound (404)              does not exist, or is outside the caller's scope
    ├── NotPermitted (403)          the role may not do this
    │   └── StepUpRequired          a fresh second factor is needed first (field "step_up")
    ├── Conflict (409)
    │   ├── TransitionNotAllowed    not in the workflow table from this stage, or a guard failed
    │   └── IdempotencyKeyReused    same Idempotency-Key, different body
    ├── PayloadTooLarge (413)
    └── UnsupportedMediaType (415)

One handler (``enlist.api``) turns them into ``{"errors": [{"field", "message"}]}`` bodies;
forms turn InvalidInput into field errors. No Django import: engines raise these too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One bad field. `message` is the stable English text the API answers with; `code` (the
    validator's error type), `limit` (the bound it broke) and `params` let a page say it in
    the reader's language (``intake/messages.py``)."""

    field: str | None
    message: str
    code: str | None = None
    limit: int | None = None
    params: tuple[tuple[str, str], ...] = ()  # the values a translated sentence names


def field_path(loc: Sequence[object]) -> str:
    """The name of the field a validator's error location points at, as the intake contract
    and the API name fields: ``["ids", 0]`` → ``ids[0]``, ``["experience", "unit"]`` →
    ``experience.unit``; nothing left: ``body``."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


class EnlistError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def errors(self) -> list[FieldError]:
        return [FieldError(self.field, self.message)]

    @property
    def messages(self) -> str:
        """The messages alone, for a page that shows them next to the form they concern."""
        return " ".join(error.message for error in self.errors)


class MalformedBody(EnlistError):
    """The request body cannot be read at all: nothing in it was looked at."""

    status = 400

    def __init__(self, message: str, *, field: str | None = "body") -> None:
        super().__init__(message, field=field)


class InvalidInput(EnlistError):
    status = 422

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self._errors = errors

    @property
    def errors(self) -> list[FieldError]:
        return self._errors


class NotFound(EnlistError):
    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class NotPermitted(EnlistError):
    status = 403


class StepUpRequired(NotPermitted):
    """A sensitive action needs a second factor from the last few minutes (403, field
    ``step_up``). Pages send the user to the step-up page and back; an API token cannot step
    up, so the API answers this error: do the action from a staff page."""

    def __init__(self) -> None:
        super().__init__(
            "This action needs a fresh second factor: confirm it with your passkey or "
            "authenticator on the staff pages (an API token cannot).",
            field="step_up",
        )


class Conflict(EnlistError):
    status = 409


class TransitionNotAllowed(Conflict):
    pass


class IdempotencyKeyReused(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used with a different body.",
            field="Idempotency-Key",
        )


class PayloadTooLarge(EnlistError):
    status = 413

    def __init__(self, message: str, *, field: str | None = "body") -> None:
        super().__init__(message, field=field)


class UnsupportedMediaType(EnlistError):
    status = 415

    def __init__(self, message: str, *, field: str | None = "Content-Type") -> None:
        super().__init__(message, field=field)
