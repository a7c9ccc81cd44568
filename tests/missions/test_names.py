"""Language names from the codes applications store: ISO 639's names in the reader's
language, and a code ISO does not know shown as it is stored, never an error."""

from __future__ import annotations

import pytest
from django.utils import translation

from enlist.missions.place_names import language_name
from enlist.missions.templatetags.missions_labels import language_names


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("ce", "en", "Chechen"),
        ("ce", "uk", "чеченська"),
        ("be", "uk", "білоруська"),
        ("kbd", "uk", "кабардінська"),  # three letters: a language without a two-letter code
        ("uk", "fr", "Ukrainien"),
    ],
)
def test_a_language_is_named_in_the_readers_language(code, language, name):
    assert language_name(code, language) == name


@pytest.mark.parametrize("code", ["xx", "", "not-a-code"])
def test_a_code_iso_does_not_know_is_shown_as_stored(code):
    assert language_name(code, "uk") == code


def test_the_filter_names_each_language_of_a_list_in_the_active_language():
    with translation.override("uk"):
        assert language_names(["en", "uk", "xx"]) == "англійська, українська, xx"
    assert language_names(None) == ""
