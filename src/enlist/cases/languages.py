"""The language a volunteer reads: every email, page and document sent to them uses it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from enlist.cases.models import Application


def application_language(application: Application) -> str:
    """The interface language the volunteer wrote in (stored on the application), else the
    first language they speak that the interface is translated into, else the default."""
    available = {code for code, _name in settings.LANGUAGES}
    if application.language in available:
        return application.language
    return first_available(application.languages)


def first_available(languages: list[str] | None) -> str:
    """The first of `languages` the interface is translated into, else the default."""
    available = {code for code, _name in settings.LANGUAGES}
    for code in languages or []:
        if code in available:
            return code
    return settings.LANGUAGE_CODE.split("-")[0]
