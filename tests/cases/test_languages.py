"""The language a volunteer reads: the one they wrote in, else the first they speak that
the interface has, else English."""

from __future__ import annotations

import pytest

from enlist.cases.languages import application_language
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_language_written_in_wins_over_the_languages_spoken(vilnius):
    application = ApplicationFactory(mission=vilnius, languages=["uk", "en"])
    application.language = "ka"
    assert application_language(application) == "ka"


def test_without_one_the_first_spoken_language_the_interface_has(vilnius):
    application = ApplicationFactory(mission=vilnius, languages=["lt", "pl", "en"])
    assert application.language == ""
    assert application_language(application) == "pl"


def test_an_unknown_stored_language_falls_back(vilnius):
    application = ApplicationFactory(mission=vilnius, languages=["de"])
    application.language = "xx"
    assert application_language(application) == "en"
