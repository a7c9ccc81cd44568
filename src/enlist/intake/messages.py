"""What a volunteer reads when the intake contract refuses a value, in their language.

The contract (``intake/schemas.py``) answers the API in stable English; this is the one
place that turns each of its errors (by pydantic's error type, or our own refusal's) into a
human sentence in the reader's language, naming the field by its label on the page. Every
error type the contract can raise has its own sentence here (``tests/intake/
test_messages.py`` enumerates them from the schemas); one it does not know still gets a
translated sentence, never pydantic's English. The refusals of what the form sends besides
(its document) are read here too (``refusal_message``).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from enlist.cases.documents import REFUSALS
from enlist.errors import FieldError
from enlist.intake.schemas import OWN_MESSAGES, PATTERN_HINT_DEFAULT, PATTERN_HINTS

_NOT_A_DATE = gettext_lazy("Enter “%(field)s” as a real date, such as 1990-04-17.")
_NOT_A_WHOLE_NUMBER = gettext_lazy("“%(field)s” must be a whole number.")
_NOT_YES_OR_NO = gettext_lazy("“%(field)s” must be yes or no.")
_WRONG_SHAPE = gettext_lazy("“%(field)s” is not in the expected form.")
NOT_VALID = gettext_lazy("Check “%(field)s”: the value is not valid.")

# pydantic's error types → the sentence; %(limit)d is the bound the value broke.
BY_TYPE: dict[str, Promise] = {
    "missing": gettext_lazy("“%(field)s” is required."),
    "string_type": gettext_lazy("“%(field)s” must be text."),
    "string_too_short": ngettext_lazy(
        "“%(field)s” needs at least %(limit)d character.",
        "“%(field)s” needs at least %(limit)d characters.",
        "limit",
    ),
    "string_too_long": ngettext_lazy(
        "“%(field)s” can have at most %(limit)d character.",
        "“%(field)s” can have at most %(limit)d characters.",
        "limit",
    ),
    "too_short": ngettext_lazy(
        "“%(field)s” needs at least %(limit)d entry.",
        "“%(field)s” needs at least %(limit)d entries.",
        "limit",
    ),
    "too_long": ngettext_lazy(
        "“%(field)s” can have at most %(limit)d entry.",
        "“%(field)s” can have at most %(limit)d entries.",
        "limit",
    ),
    "list_type": gettext_lazy("“%(field)s” must be a list."),
    "int_type": _NOT_A_WHOLE_NUMBER,
    "int_parsing": _NOT_A_WHOLE_NUMBER,
    "int_from_float": _NOT_A_WHOLE_NUMBER,
    "greater_than_equal": gettext_lazy("“%(field)s” must be %(limit)d or more."),
    "less_than_equal": gettext_lazy("“%(field)s” must be %(limit)d or less."),
    "bool_type": _NOT_YES_OR_NO,
    "bool_parsing": _NOT_YES_OR_NO,
    "date_type": _NOT_A_DATE,
    "date_parsing": _NOT_A_DATE,
    "date_from_datetime_parsing": _NOT_A_DATE,
    "date_from_datetime_inexact": _NOT_A_DATE,
    "model_type": _WRONG_SHAPE,
    "model_attributes_type": _WRONG_SHAPE,
    "dict_type": _WRONG_SHAPE,
    "extra_forbidden": gettext_lazy("“%(field)s” is not a field of the application."),
    "value_error": NOT_VALID,
}
BOUNDED = frozenset(
    ("string_too_short", "string_too_long", "too_short", "too_long")
    + ("greater_than_equal", "less_than_equal")
)
# Where a field says more than its error type can (the only value_error is the address's).
BY_FIELD_AND_TYPE: dict[tuple[str, str], Promise] = {
    ("email", "value_error"): gettext_lazy("“%(field)s” is not a valid email address."),
}


def contract_message(error: FieldError, *, label: str) -> str:
    """The error as the reader of the page should read it; `label` names its field."""
    root = (error.field or "").split("[")[0].split(".")[0]
    code = error.code or ""
    if code in OWN_MESSAGES:
        return gettext(OWN_MESSAGES[code])
    if code == "string_pattern_mismatch":
        return gettext(PATTERN_HINTS.get(root, PATTERN_HINT_DEFAULT))
    template = BY_FIELD_AND_TYPE.get((root, code)) or BY_TYPE.get(code, NOT_VALID)
    if code in BOUNDED and error.limit is None:
        template = NOT_VALID  # a bound pydantic did not report: say so without a number
    return str(template % {"field": label, "limit": error.limit})


def refusal_message(error: FieldError) -> str:
    """A refusal of the form's document (``cases/documents.py: REFUSALS``) in the reader's
    language; any other error keeps its message."""
    if error.code in REFUSALS:
        return gettext(REFUSALS[error.code]) % dict(error.params)
    return error.message
