"""The Ukrainian and Spanish catalogs: complete, compiled from the current .po, and used by
the pages.

The .po is parsed here in plain Python (no polib, no GNU gettext), because the compiled .mo
is committed precisely so that a machine without gettext still shows Ukrainian.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_ROOT = Path(settings.LOCALE_PATHS[0])
PO_PATH = LOCALE_ROOT / "uk" / "LC_MESSAGES" / "django.po"  # named in parse errors
# Every catalog and its number of plural forms (Ukrainian: 1 / 2–4 / 5+; Spanish: 1 / other).
CATALOGS = {"uk": 3, "es": 2}
TEMPLATE_ROOT = Path(settings.LOCALE_PATHS[0]).parent

# Translations this file checks on the pages (copied from django.po on purpose).
UK_APPLY_AS_VOLUNTEER = "Подати заяву добровольця"
UK_START_APPLICATION = "Розпочати заповнення заяви"
UK_STAFF_SIGN_IN = "Вхід для працівників"
UK_STEP_1 = "Крок 1 з 3: Ваше громадянство"
UK_CONTINUE = "Продовжити"

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key GNUTranslations uses in its catalog (context joined by EOT)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def parse_po(text: str) -> list[Entry]:
    """Active (non-obsolete) entries of a .po file, header included (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):  # blank, or an obsolete entry
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+", line)
        if keyword:
            name, index = keyword.group(1), int(keyword.group(2) or 0)
            if name == "msgctxt" or (name == "msgid" and (current is None or current.msgstr)):
                current = Entry(flags=flags)
                entries.append(current)
                flags = set()
            if current is None:
                raise AssertionError(f"{PO_PATH.name}:{number}: {name} before msgid")
            target = (name, index)
            if name == "msgctxt":
                current.msgctxt = ""
            elif name == "msgid_plural":
                current.msgid_plural = ""
            elif name == "msgstr":
                current.msgstr[index] = ""
            line = line[keyword.end() :]
        if current is None or target is None or not line.startswith('"'):
            raise AssertionError(f"{PO_PATH.name}:{number}: unexpected line {raw!r}")
        piece = ast.literal_eval(line)  # C-style escapes: \n, \", \\
        name, index = target
        if name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + piece
        elif name == "msgid":
            current.msgid += piece
        elif name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + piece
        else:
            current.msgstr[index] += piece
    return entries


@pytest.fixture(scope="module", params=sorted(CATALOGS))
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def po_entries(language) -> list[Entry]:
    return parse_po((LOCALE_ROOT / language / "LC_MESSAGES" / "django.po").read_text("utf-8"))


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    return [e for e in po_entries if e.msgid or e.msgctxt is not None]


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.deactivate()


# ---------------------------------------------------------------------------- the catalog


def test_header_declares_the_language_utf8_and_its_plural_forms(po_entries, language):
    header = next(e for e in po_entries if not e.msgid and e.msgctxt is None)
    assert "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"].startswith(f"nplurals={CATALOGS[language]};")


def test_every_message_is_translated_and_none_is_fuzzy(messages, language):
    assert len(messages) > 100
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert fuzzy == []
    plural = list(range(CATALOGS[language]))
    untranslated = [
        e.msgid
        for e in messages
        if sorted(e.msgstr) != (plural if e.msgid_plural is not None else [0])
        or not all(s.strip() for s in e.msgstr.values())
    ]
    assert untranslated == []


def test_the_catalogs_hold_the_same_messages():
    """Spanish is as complete as Ukrainian: every msgid of one is in the other."""
    ids = {
        code: {
            e.key
            for e in parse_po((LOCALE_ROOT / code / "LC_MESSAGES" / "django.po").read_text("utf-8"))
        }
        for code in CATALOGS
    }
    assert ids["es"] == ids["uk"]


def test_translations_keep_the_placeholders(messages):
    wrong = []
    for e in messages:
        expected = set(PLACEHOLDER.findall(e.msgid)) | set(
            PLACEHOLDER.findall(e.msgid_plural or "")
        )
        for msgstr in e.msgstr.values():
            if set(PLACEHOLDER.findall(msgstr)) != expected:
                wrong.append((e.msgid, msgstr))
    assert wrong == []


def test_compiled_mo_matches_the_po(messages, language):
    """The committed .mo holds exactly the .po's translations (re-run compilemessages)."""
    with (LOCALE_ROOT / language / "LC_MESSAGES" / "django.mo").open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog
    expected: dict[object, str] = {}
    for e in messages:
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, i): s for i, s in e.msgstr.items()})
    compiled = {k: v for k, v in catalog.items() if k != ""}
    assert compiled == expected


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
