"""The catalogs: the public side, every email and document in all seven languages, the
staff side in Ukrainian too; compiled by the setup (never committed); and used by the pages.

The .po files are read by `enlist.core.catalogs` in plain Python (no polib, no GNU gettext),
the same reader that compiles them: `python -m enlist.core.catalogs missing` lists what a
catalog still owes. The pages, emails and PDFs themselves are checked in
tests/test_i18n_pages.py.
"""

from __future__ import annotations

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from enlist.core import catalogs
from enlist.core.catalogs import PLURALS, Entry, placeholders, read_catalog

LOCALE_ROOT = Path(settings.LOCALE_PATHS[0])
TEMPLATE_ROOT = LOCALE_ROOT.parent
# Every language of the interface but English (the source), and its number of plural forms.
CATALOGS = PLURALS
REPOSITORY = TEMPLATE_ROOT.parent.parent

# Translations this file checks on the pages (copied from django.po on purpose).
UK_APPLY_AS_VOLUNTEER = "Подати заяву добровольця"
UK_START_APPLICATION = "Розпочати заповнення заяви"
UK_STAFF_SIGN_IN = "Вхід для працівників"
UK_STEP_1 = "Крок 1 з 3: Ваше громадянство"
UK_CONTINUE = "Продовжити"


@pytest.fixture(scope="module", params=sorted(CATALOGS))
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def po_entries(language) -> list[Entry]:
    return read_catalog(language)


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    return [e for e in po_entries if not e.is_header]


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.deactivate()


# ---------------------------------------------------------------------------- the catalog


def test_every_interface_language_has_a_catalog():
    assert set(CATALOGS) == {code for code, _name in settings.LANGUAGES} - {"en"}
    assert catalogs.languages() == sorted(CATALOGS)


def test_header_declares_the_language_utf8_and_its_plural_forms(po_entries, language):
    header = next(e for e in po_entries if e.is_header)
    assert "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"].startswith(f"nplurals={CATALOGS[language]};")


def test_every_required_message_is_translated_and_none_is_fuzzy(language):
    """The public side, emails and documents in every language; the staff side in uk."""
    owed = [(sorted(set(e.references)), e.msgid) for e in catalogs.missing(language)]
    assert owed == []


def test_the_public_side_is_most_of_what_a_volunteer_reads(messages, language):
    """The public selection is not accidentally empty: the form, the advisories, the emails
    and the packet are in it, the staff pages are not."""
    public = {e.msgid for e in messages if e.is_public}
    assert len(public) > 200
    for msgid in (
        "Step 1 of 3: your nationality",  # the form
        "Belarus persecutes any attempt to assist Ukraine. Applying may put you and your "
        "family at risk: think about who can see your messages and devices.",  # advisory
        "Your appointment",  # the invitation email
        "Travel instructions",  # the packet PDF
        "This link has expired. Ask for a new one.",  # subject access
        "Embassy of Ukraine in %(country)s",  # mission names
    ):
        assert msgid in public
    assert "Audit trail" not in public
    if language != "uk":
        # Staff pages stay English outside Ukrainian: no half-translated staff side.
        staff_only = [e for e in messages if not e.is_public]
        assert staff_only


def test_a_fuzzy_or_empty_translation_counts_as_missing(tmp_path):
    po = tmp_path / "xx" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Language: xx\\n"\n\n'
        '#: intake/forms.py:1\n#, fuzzy\nmsgid "Continue"\nmsgstr "Weiter"\n\n'
        '#: intake/views.py:2\nmsgid "Apply"\nmsgstr ""\n\n'
        '#: cases/views.py:3\nmsgid "Cases"\nmsgstr ""\n',
        "utf-8",
    )
    catalogs.PLURALS["xx"] = 2
    try:
        assert [e.msgid for e in catalogs.missing("xx", tmp_path)] == ["Continue", "Apply"]
    finally:
        del catalogs.PLURALS["xx"]


def test_the_catalogs_hold_the_same_messages():
    """Every catalog knows every message (makemessages ran for all of them)."""
    keys = {code: {e.key for e in read_catalog(code)} for code in CATALOGS}
    for code in CATALOGS:
        assert keys[code] == keys["uk"], code


def test_translations_keep_the_placeholders(messages):
    wrong = []
    for e in messages:
        expected = placeholders(e.msgid) | placeholders(e.msgid_plural or "")
        for msgstr in e.msgstr.values():
            if msgstr and placeholders(msgstr) != expected:
                wrong.append((e.msgid, msgstr))
    assert wrong == []


def test_compiled_mo_matches_the_po(messages, language):
    """The .mo the setup compiled holds exactly the .po's translations."""
    with (LOCALE_ROOT / language / "LC_MESSAGES" / "django.mo").open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog
    expected: dict[object, str] = {}
    for e in messages:
        if "fuzzy" in e.flags or not any(e.msgstr.values()):
            continue
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, i): s for i, s in e.msgstr.items()})
    compiled = {k: v for k, v in catalog.items() if k != ""}
    assert compiled == expected


def test_compiling_rewrites_only_a_changed_catalog(tmp_path):
    target = tmp_path / "uk" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_bytes((LOCALE_ROOT / "uk/LC_MESSAGES/django.po").read_bytes())
    assert catalogs.compile_catalogs(tmp_path) == [target / "django.mo"]
    assert catalogs.compile_catalogs(tmp_path) == []  # up to date
    with (target / "django.mo").open("rb") as fp:
        assert gettext.GNUTranslations(fp).gettext("Continue") == UK_CONTINUE


def test_compiled_catalogs_are_not_committed():
    if not (REPOSITORY / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(  # noqa: S603 (fixed arguments)
        ["git", "ls-files", "*.mo"],  # noqa: S607
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert tracked == ""
    assert "*.mo" in (REPOSITORY / ".gitignore").read_text().splitlines()


def test_the_writer_reads_back_what_it_wrote(po_entries):
    again = catalogs.parse_po(catalogs.format_po(po_entries))
    assert [(e.key, e.msgid_plural, e.msgstr, e.flags) for e in again] == [
        (e.key, e.msgid_plural, e.msgstr, e.flags) for e in po_entries
    ]


def test_template_strings_are_in_the_catalog(messages):
    """Simple {% trans "…" %} literals in the templates all have an entry (re-run makemessages)."""
    known = {e.msgid for e in messages}
    tag = re.compile(r"""\{%\s*(?:trans|translate)\s+(["'])(.*?)\1""")
    missing = set()
    for template in TEMPLATE_ROOT.glob("**/templates/**/*.html"):
        for match in tag.finditer(template.read_text(encoding="utf-8")):
            msgid = match.group(2)
            if msgid not in known and msgid.replace("%", "%%") not in known:
                missing.add(f"{template.relative_to(TEMPLATE_ROOT)}: {msgid}")
    assert sorted(missing) == []


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 справа"),
        (2, "2 справи"),
        (4, "4 справи"),
        (5, "5 справ"),
        (11, "11 справ"),
        (12, "12 справ"),
        (21, "21 справа"),
        (22, "22 справи"),
        (25, "25 справ"),
        (111, "111 справ"),
    ],
)
def test_plural_forms_follow_ukrainian_grammar(n, expected):
    singular, plural = "%(counter)s case", "%(counter)s cases"
    with translation.override("uk"):
        assert translation.ngettext(singular, plural, n) % {"counter": n} == expected


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 expedientes"), (1, "1 expediente"), (2, "2 expedientes")]
)
def test_plural_forms_follow_spanish_grammar(n, expected):
    singular, plural = "%(counter)s case", "%(counter)s cases"
    with translation.override("es"):
        assert translation.ngettext(singular, plural, n) % {"counter": n} == expected


# The plural form index each language's grammar gives (CLDR: one / few / many, or one / other;
# French counts 0 and 1 as singular).
PLURAL_INDEX = {
    "pl": {1: 0, 2: 1, 4: 1, 5: 2, 12: 2, 14: 2, 22: 1, 25: 2, 112: 2, 122: 1},
    "uk": {1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1},
    "ka": {0: 1, 1: 0, 2: 1, 5: 1},
    "pt": {0: 1, 1: 0, 2: 1},
    "fr": {0: 0, 1: 0, 2: 1, 10: 1},
    "es": {0: 1, 1: 0, 2: 1},
}


@pytest.mark.parametrize("code", sorted(PLURAL_INDEX))
def test_plural_forms_header_follows_the_grammar(code):
    header = next(e for e in read_catalog(code) if e.is_header).msgstr[0]
    expression = re.search(r"plural=(.*?);?$", header, re.M).group(1)
    rule = gettext.c2py(expression)
    assert {n: rule(n) for n in PLURAL_INDEX[code]} == PLURAL_INDEX[code]


# ---------------------------------------------------------------------------- the pages


def test_home_in_ukrainian_from_accept_language(client, db):
    response = client.get("/", headers={"accept-language": "uk"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="uk">' in html
    for text in (UK_APPLY_AS_VOLUNTEER, UK_START_APPLICATION, UK_STAFF_SIGN_IN):
        assert text in html
    assert "Apply as a volunteer" not in html


def test_home_stays_english_by_default(client, db):
    html = client.get("/").content.decode()
    assert "Apply as a volunteer" in html
    assert UK_APPLY_AS_VOLUNTEER not in html


def test_apply_in_ukrainian_after_choosing_the_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/apply/"})
    assert response.status_code == 302
    response = client.get("/apply/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="uk">' in html
    assert UK_STEP_1 in html
    assert UK_CONTINUE in html


def test_home_in_spanish_from_accept_language(client, db):
    response = client.get("/", headers={"accept-language": "es"})
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Presentar una solicitud de voluntario" in html
    assert "Apply as a volunteer" not in html
