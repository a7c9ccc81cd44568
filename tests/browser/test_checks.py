"""The suite's own checks can fail: axe-core's serious violations stop a journey, and a page
shown without a step is reported; and a person's browser speaks their language."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import CHROMIUM_TRANSLATIONS, AccessibilityViolation, axe_failures

# A button without a name (axe-core: button-name, critical) and an image without a text
# alternative (image-alt, critical); a skipped heading level is only moderate.
INACCESSIBLE = (
    '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
    "<h1>Title</h1><h4>Skipped levels</h4><button></button><img src='data:,'></main></body></html>"
)


def test_a_serious_or_critical_violation_fails_the_step(people):
    person = people.open("checker")
    person.page.set_content(INACCESSIBLE)
    with pytest.raises(AccessibilityViolation) as refused:
        person.step("inaccessible")
    lines = str(refused.value).splitlines()[1:]
    assert sorted(line.split()[0] for line in lines) == ["button-name", "image-alt"]
    assert (people.directory / "01-inaccessible.png").exists()  # kept for the reader


def test_minor_and_moderate_violations_do_not_fail():
    result = {"violations": [
        {"id": "heading-order", "impact": "moderate", "help": "h", "nodes": [{"target": ["h4"]}]},
        {"id": "region", "impact": "minor", "help": "r", "nodes": [{"target": ["p"]}]},
        {"id": "label", "impact": "critical", "help": "l", "nodes": [{"target": ["#a"]},
                                                                    {"target": ["#b"]}]},
    ]}  # fmt: skip
    assert axe_failures(result) == ["label (critical): l at #a, #b"]


def test_a_page_shown_without_a_step_is_reported(people):
    person = people.open("visitor")
    person.goto("/", "home")
    person.page.goto(person.base_url + "/apply/")  # no step: axe-core never saw it
    assert people.unchecked() == [person.base_url + "/apply/"]
    person.step("apply")
    assert people.unchecked() == []


def test_a_ukrainian_browser_draws_its_own_text_in_ukrainian(people):
    if not (CHROMIUM_TRANSLATIONS / "uk.pak").exists():
        message = f"Chromium's Ukrainian ({CHROMIUM_TRANSLATIONS}/uk.pak) is Debian's chromium-l10n"
        if os.environ.get("CI"):
            pytest.fail(message + " (scripts/system-libraries.sh --dev installs it)")
        pytest.skip(message)
    # A file input's button and "No file chosen" are drawn by Chromium, not by the page: the
    # same page looks different only if they are in different languages.
    shots = {}
    for language in ("en", "uk"):
        person = people.open(f"reader-{language}", language=language)
        person.page.set_content('<!doctype html><input type="file" aria-label="file">')
        shots[language] = person.page.locator("input").screenshot()
        assert (
            person.page.evaluate("navigator.language") == {"en": "en-GB", "uk": "uk-UA"}[language]
        )
    assert shots["en"] != shots["uk"]
