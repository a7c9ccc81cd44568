"""The public intake contract: what an application must contain, and every way it can be wrong.

One validator serves the JSON API (strict types) and the web form (strings from a form), so
both reject the same things with the same per-field messages. Pydantic only, no Django: the
known countries and missions come in as a context.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated, Any

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from enlist.errors import FieldError, InvalidInput, field_path


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogs (makemessages knows the name); the API
    answers in English, the public form shows the message in the reader's language
    (`intake/forms.py`). No Django here."""
    return message


NAME_MAX = 100
OLDEST_BIRTH_YEAR = 1900
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# Our own refusals, by error type: the message is a catalog entry, the same for the API and,
# translated, for the form. Every PydanticCustomError below takes its message from here.
OWN_MESSAGES = {
    "control_characters": gettext_noop("Must not contain control characters."),
    "future_date": gettext_noop("The date of birth is in the future."),
    "implausible_date": gettext_noop("The date of birth is not plausible."),
    "unknown_country": gettext_noop("Unknown country code."),
    "unknown_mission": gettext_noop("Unknown mission code."),
    "consent": gettext_noop("Consent is required to process the application."),
    "advisory": gettext_noop("The legal advisory for your country must be acknowledged."),
    "phone": gettext_noop("Not a phone number (include the country code)."),
}


def _refusal(error_type: str) -> PydanticCustomError:
    return PydanticCustomError(error_type, OWN_MESSAGES[error_type])


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise _refusal("control_characters")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    AfterValidator(_no_control_characters),
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_no_control_characters),
]
LanguageCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[A-Za-z]{2,3}$")
]
CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
]


@dataclass(frozen=True)
class IntakeContext:
    """What the validator needs to know about the world: reference data and today's date."""

    countries: Collection[str]
    missions: Collection[str]
    today: datetime.date


class MilitaryExperienceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    years: int = Field(ge=0, le=50, description="Years of military service.")
    branch: ShortText | None = Field(default=None, examples=["army"])
    last_rank: ShortText | None = Field(default=None, examples=["sergeant"])
    combat_deployments: int = Field(default=0, ge=0, le=50)
    peacekeeping: bool = False
    specialties: list[ShortText] = Field(default_factory=list, max_length=20)


class ApplicationIn(BaseModel):
    """An application as a volunteer (or a partner system on their behalf) submits it."""

    model_config = ConfigDict(extra="forbid", strict=True, title="ApplicationIn")

    given_name: Name
    family_name: Name
    given_name_native: Name | None = None
    family_name_native: Name | None = None
    date_of_birth: datetime.date
    nationality: CountryCode = Field(description="ISO 3166-1 alpha-2")
    residence_country: CountryCode = Field(description="ISO 3166-1 alpha-2")
    email: Annotated[EmailStr, StringConstraints(max_length=254)]
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None
    passport_number: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=5, max_length=20, pattern=r"^[A-Za-z0-9 \-]+$"
            ),
        ]
        | None
    ) = None
    mission: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    military_experience: MilitaryExperienceIn
    consent: bool
    legal_advisory_acknowledged: bool

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth_date(cls, value: datetime.date, info: ValidationInfo) -> datetime.date:
        context: IntakeContext | None = info.context
        if context is not None and value > context.today:
            raise _refusal("future_date")
        if value.year < OLDEST_BIRTH_YEAR:
            raise _refusal("implausible_date")
        return value

    @field_validator("nationality", "residence_country", "mission")
    @classmethod
    def _known_code(cls, value: str, info: ValidationInfo) -> str:
        context: IntakeContext | None = info.context
        if context is None:
            return value
        if info.field_name == "mission":
            if value not in context.missions:
                raise _refusal("unknown_mission")
        elif value not in context.countries:
            raise _refusal("unknown_country")
        return value

    @field_validator("consent", "legal_advisory_acknowledged")
    @classmethod
    def _agreed(cls, value: bool, info: ValidationInfo) -> bool:
        """Both boxes must be ticked; each refusal names what was not agreed to."""
        if value is not True:
            raise _refusal("consent") if info.field_name == "consent" else _refusal("advisory")
        return value

    @field_validator("passport_number", "phone", "given_name_native", "family_name_native",
                     mode="before")  # fmt: skip
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        try:
            parsed = phonenumbers.parse(value, info.data.get("residence_country"))
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            raise _refusal("phone")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


PATTERN_HINTS = {
    "nationality": gettext_noop("Use a two-letter ISO 3166-1 country code, such as CA."),
    "residence_country": gettext_noop("Use a two-letter ISO 3166-1 country code, such as CA."),
    "languages": gettext_noop("Use ISO 639-1 language codes, such as en or uk."),
    "passport_number": gettext_noop("Use only letters, digits, spaces and hyphens."),
}
PATTERN_HINT_DEFAULT = gettext_noop("The value has the wrong format.")


def _message(error: ErrorDetails) -> str:
    message = str(error["msg"])
    if error["type"] == "string_pattern_mismatch":
        return PATTERN_HINTS.get(str(error["loc"][0]), PATTERN_HINT_DEFAULT)
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if error["type"] == "missing":
        return gettext_noop("This field is required.")
    if error["type"] == "extra_forbidden":
        return gettext_noop("Unknown field.")
    return message if message.endswith(".") else message + "."


# The bounds an error's context may carry (string and list lengths, numbers' limits).
_LIMIT_KEYS = ("max_length", "min_length", "ge", "le", "gt", "lt")


def _limit(error: ErrorDetails) -> int | None:
    context = error.get("ctx") or {}
    for key in _LIMIT_KEYS:
        if isinstance(context.get(key), int):
            return int(context[key])
    return None


def errors_from(exc: ValidationError) -> list[FieldError]:
    """Each error with its field's path, the API's English message, its type and its bound."""
    return [
        FieldError(field_path(e["loc"]), _message(e), code=e["type"], limit=_limit(e))
        for e in exc.errors()
    ]


def parse_application_json(body: bytes, *, context: IntakeContext) -> ApplicationIn:
    """Validate a JSON body; raise InvalidInput listing every bad field at once."""
    try:
        return ApplicationIn.model_validate_json(body, context=context)
    except ValidationError as exc:
        raise InvalidInput(errors_from(exc)) from None


def parse_application_data(data: dict[str, Any], *, context: IntakeContext) -> ApplicationIn:
    """Validate values from a form (strings), with the same rules and messages as the API."""
    try:
        return ApplicationIn.model_validate(data, context=context, strict=False)
    except ValidationError as exc:
        raise InvalidInput(errors_from(exc)) from None
