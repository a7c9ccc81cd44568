"""The browser suite: Debian's Chromium, driven by Playwright, against a live server.

The server is pytest-django's ``live_server``: real HTTP on a free loopback port, through the
whole middleware stack (sessions, CSRF, the second factor, CSP), the templates and the static
files, on the test database, so a test builds its cases through the services and reads back
what the pages wrote. Each test is a journey of one or more people, each in their own browser
context (``people.open(...)``).

Every page a journey shows is checked by ``Person.step(name)``: axe-core (npm ``axe-core``,
pinned in ``package-lock.json`` beside this file and installed by ``npm ci``) runs on it and
any ``serious`` or ``critical`` violation fails the test, then a full-page screenshot is saved
as ``<artifacts>/<database>/<test>/<nn>-<name>.png``. A page whose ``<html lang>`` is not
English must also show no English catalog text its language translates (``tests/
test_i18n_pages.py: untranslated``, every message of the catalog, the staff's included). A
navigation that no step checked fails the test too, so no page escapes the audit. On failure
the Playwright trace of every person of the test is kept beside the screenshots
(``trace-<person>.zip``; open it with ``playwright show-trace``).

``ENLIST_BROWSER_ARTIFACTS`` chooses where (default ``build/browser``, which CI keeps); under it
each database the suite runs on (``sqlite``, ``postgresql``: ``scripts/test.sh`` runs it on both)
has its own directory, so the second pass keeps the first pass's screenshots.

Without ``/usr/bin/chromium`` (or axe-core's ``node_modules``) the tests are skipped with the
reason, unless ``CI`` is set: there a missing browser is a failure, never a silent pass.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from enlist.accounts.models import StaffUser
from enlist.accounts.services import totp_device_add_confirmed
from enlist.accounts.totp import STEP_SECONDS, base32_secret, current_code
from tests.conftest import reference_data_restore
from tests.test_i18n_pages import english_sources, untranslated, visible

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("ENLIST_BROWSER_ARTIFACTS") or "build/browser")
PASSWORD = "correct horse battery staple"  # tests/factories.py: StaffFactory
# The impacts that fail a page (axe-core's scale: minor, moderate, serious, critical).
FAILING_IMPACTS = frozenset({"serious", "critical"})
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# The browser's locale for each site language, so that a person working in Ukrainian has a
# Ukrainian browser and a page's screenshot is in one language throughout (``Chromium``).
BROWSER_LOCALES = {"en": "en-GB", "uk": "uk-UA"}
# Chromium's own translations (Debian's chromium-l10n): without a language's file, Chromium
# draws its own text in English whatever the locale.
CHROMIUM_TRANSLATIONS = Path("/usr/lib/chromium/locales")
# Playwright waits this long for an element or a page, at most: a live server on a busy
# machine answers in well under a second, so a wait this long means something is wrong.
TIMEOUT_MS = 15_000


def _missing_tools() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian's chromium package: scripts/system-libraries.sh --dev)")
    if not AXE.exists():
        missing.append(f"{AXE} (npm ci --prefix tests/browser)")
    return missing


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item: the fixtures keep a trace only on failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Chromium:
    """Debian's Chromium, headless: one browser per interface language, started when a person
    first needs it (about a second) and kept for the package.

    Chromium draws some text itself, not the page: a file input's "Choose File" and "No file
    chosen", a date field's placeholder. It draws it in its process's language, read from
    ``LANGUAGE`` when it starts; a context's ``locale`` changes only what pages are told
    (Accept-Language, ``navigator.language``, number and date formats). So each language has a
    browser of its own, and each person a context in it with the locale to match.
    """

    def __init__(self, playwright: Any) -> None:
        self.playwright = playwright
        self.browsers: dict[str, Any] = {}

    def browser(self, locale: str) -> Any:
        language = locale.split("-")[0]
        if language not in self.browsers:
            self.browsers[language] = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                env={**os.environ, "LANGUAGE": f"{locale.replace('-', '_')}:{language}"},
            )
        return self.browsers[language]

    def close(self) -> None:
        for browser in self.browsers.values():
            browser.close()


@pytest.fixture(scope="package")
def chromium() -> Iterator[Chromium]:
    """Debian's Chromium for the whole package, a browser per language (``Chromium``)."""
    missing = _missing_tools()
    if missing:
        message = "the browser suite needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: a missing browser fails the run)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an asyncio loop on this thread, and Django then takes
    # every ORM call of the test (building cases, reading back) for one made from async code.
    # The calls are synchronous and on the test's own thread: allowed while the browser runs,
    # and only then, so no other test's real async misuse is hidden.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browsers = Chromium(playwright)
        yield browsers
        browsers.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def artifact_name(text: str) -> str:
    """A file or directory name for a test or step name (parametrized ids included)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


class AccessibilityViolation(AssertionError):
    pass


class UntranslatedText(AssertionError):
    pass


@functools.cache
def catalog_sources(language: str) -> dict[str, str]:
    """The English pieces that `language`'s catalog translates, every message (read once)."""
    return english_sources(language, staff=True)


def untranslated_on(html: str, language: str) -> list[str]:
    """The catalog messages a page in `language` shows in English (none on an English page)."""
    if language.split("-")[0] == "en":
        return []
    return untranslated(visible(html), catalog_sources(language))


def axe_failures(result: dict[str, Any]) -> list[str]:
    """axe-core's serious and critical violations, one line each: rule, impact, where."""
    lines = []
    for violation in result["violations"]:
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return lines


@dataclass
class Person:
    """One person's browser (a context of its own: cookies, language, viewport) in a journey."""

    name: str
    page: Any
    base_url: str
    directory: Path
    counter: list[int]  # the journey's step counter, shared by its people
    navigations: list[str] = field(default_factory=list)
    checked: int = 0  # how many of `navigations` a step has checked

    def goto(
        self, path: str, step: str, *, ready: str | None = None, catalog_text: bool = True
    ) -> None:
        """Open `path` and check it as `step`, once the element `ready` (a selector) shows
        on a page that a script draws."""
        self.page.goto(self.base_url + path)
        if ready is not None:
            self.page.locator(ready).first.wait_for()
        self.step(step, catalog_text=catalog_text)

    def step(self, name: str, *, screenshot: Path | None = None, catalog_text: bool = True) -> None:
        """Check the page now shown (axe-core; on a page not in English, the catalog's English
        text) and save its screenshot as the journey's next step (or at `screenshot`).

        `catalog_text=False` for a page whose words are not our catalogs' to translate (the
        API's docs, in the API's stable English): axe-core checks it all the same."""
        self.page.wait_for_load_state("load")
        url = self.page.url
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "() => axe.run(document, {resultTypes: ['violations'], iframes: false})"
        )
        if screenshot is None:
            self.counter[0] += 1
            screenshot = self.directory / f"{self.counter[0]:02d}-{artifact_name(name)}.png"
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(screenshot), full_page=True)
        self.checked = len(self.navigations)
        failures = axe_failures(result)
        if failures:
            raise AccessibilityViolation(
                f"axe-core on {url} (step {name!r}):\n  " + "\n  ".join(failures)
            )
        language = self.page.locator("html").get_attribute("lang") or ""
        english = untranslated_on(self.page.content(), language) if catalog_text else []
        if english:
            raise UntranslatedText(
                f"English on {url} in {language!r} (step {name!r}):\n  " + "\n  ".join(english)
            )

    def submit(self, form: str = "main form") -> None:
        """Press the submit button of `form` (the page's first form in <main> by default;
        the header's language form has one too) and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(f"{form} button[type=submit]").first.click()

    def choose_language(self, language: str) -> None:
        """Switch the site to `language` with the header's switcher, as a person does (the
        choice is kept in the language cookie, for the pages after it)."""
        self.page.locator("header form.lang select[name=language]").select_option(language)
        self.submit("header form.lang")
        self.step(f"{self.name}-language-{language}")

    def sign_in(
        self,
        user: StaffUser,
        secret: str,
        *,
        language: str | None = None,
        landing: Path | None = None,
    ) -> None:
        """The staff sign-in as a person does it: the language first if the page is not in
        `language`, then password, then the authenticator's code. The start page it leads
        to is the last step (its screenshot at `landing` if given)."""
        self.goto("/staff/login/", f"{self.name}-sign-in")
        if language is not None and self.page.locator("html").get_attribute("lang") != language:
            self.choose_language(language)
        self.page.locator("main input[name=username]").fill(user.username)
        self.page.locator("main input[name=password]").fill(PASSWORD)
        self.submit()
        self.step(f"{self.name}-code")
        # A code is accepted once per 30-second step: never type one about to expire.
        if time.time() % STEP_SECONDS > STEP_SECONDS - 3:
            time.sleep(4)
        self.page.locator("main input[name=code]").fill(current_code(secret))
        self.submit()
        self.page.wait_for_url(re.compile(r"/staff/"))
        self.step(f"{self.name}-signed-in", screenshot=landing)


class People:
    """The browsers of one journey: `open(name, ...)` gives a new person's browser."""

    def __init__(self, chromium: Chromium, base_url: str, directory: Path) -> None:
        self.chromium = chromium
        self.base_url = base_url
        self.directory = directory
        self.counter = [0]
        self.people: list[tuple[Person, Any]] = []

    def open(
        self, name: str, *, phone: bool = False, language: str = "en", locale: str | None = None
    ) -> Person:
        """A new browser for `name`, in `locale` (by default the one of the site's `language`)."""
        locale = locale or BROWSER_LOCALES[language]
        # bypass_csp: the pages allow only their own scripts ('self'); axe-core is injected
        # as an inline script, which that policy would refuse.
        context = self.chromium.browser(locale).new_context(
            **(PHONE if phone else DESKTOP), locale=locale, bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.tracing.start(screenshots=True, snapshots=True)
        page = context.new_page()
        person = Person(name, page, self.base_url, self.directory, self.counter)

        def navigated(frame: Any) -> None:
            if frame == page.main_frame:
                person.navigations.append(frame.url)

        page.on("framenavigated", navigated)
        self.people.append((person, context))
        return person

    def close(self, *, failed: bool) -> None:
        for person, context in self.people:
            if failed:
                context.tracing.stop(path=str(self.directory / f"trace-{person.name}.zip"))
            else:
                context.tracing.stop()
            context.close()

    def unchecked(self) -> list[str]:
        """Pages a person was shown that no step checked (at the end of a journey)."""
        return [url for person, _ in self.people for url in person.navigations[person.checked :]]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db) -> None:
    """The live server sees only committed rows, so every browser test is transactional; put
    back the seeded reference data (countries, units, checklists) that the flush after a
    transactional test removed, before any fixture builds a mission or a case on them."""
    reference_data_restore()


@pytest.fixture
def people(request, chromium, live_server) -> Iterator[People]:
    """people.open(name, phone=..., language=..., locale=...) -> a Person: the journey's
    browsers."""
    # One directory per database: the PostgreSQL pass keeps the SQLite pass's screenshots.
    directory = ARTIFACTS / connection.vendor / artifact_name(request.node.name)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    journey = People(chromium, live_server.url, directory)
    yield journey
    failed = getattr(request.node, "report_call", None) is None or request.node.report_call.failed
    journey.close(failed=failed)
    if not failed:
        unchecked = journey.unchecked()
        assert not unchecked, f"pages shown but never checked by a step: {unchecked}"


@pytest.fixture
def authenticator():
    """authenticator(user) -> the base32 secret of a new confirmed TOTP device of `user`, as
    the demo hands its logins one (`enlist demo --codes` computes the codes the same way)."""

    def add(user: StaffUser) -> str:
        key_hex = secrets.token_hex(20)
        totp_device_add_confirmed(user=user, key_hex=key_hex)
        return base32_secret(key_hex)

    return add
