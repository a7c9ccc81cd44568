"""The translation catalogs, read and compiled in plain Python (no Django, no GNU gettext).

Guarantees:
- ``parse_po`` reads every active entry of a ``.po`` file (obsolete ``#~`` entries skipped),
  with its context, plural, flags and source references; a malformed line raises
  ``CatalogError`` naming the file and the line.
- ``compile_catalogs`` writes, beside each ``django.po``, the ``django.mo`` that
  ``gettext.GNUTranslations`` reads: every translated, non-fuzzy message (what GNU ``msgfmt``
  keeps), the header included. It rewrites a ``.mo`` only when its ``.po`` is newer, so the
  setup can call it on every run. The ``.mo`` files are build products, never committed.
- ``missing`` lists, per language, the messages a catalog still owes: empty, fuzzy or
  with the wrong number of plural forms, for the messages that language must have
  (``required``: the public side, emails and documents in every language; the staff side
  only where ``STAFF_LANGUAGES`` says).

Run it as ``python -m enlist.core.catalogs compile`` (the setup does). After
``makemessages``: ``clear-fuzzy`` (drop msgmerge's guesses on messages a language need not
translate), ``missing [LANG ...] [--ids | --json]`` (what is left, by file; ``--json`` writes
a skeleton) and ``fill LANG FILE.json`` (write the translations in).
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import re
import struct
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_ROOT = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "django"

# Number of plural forms per language (the Plural-Forms header must agree).
PLURALS = {"uk": 3, "es": 2, "pl": 3, "ka": 2, "pt": 2, "fr": 2}
# Languages whose catalogs must hold the staff side too (besides English, the source).
STAFF_LANGUAGES = ("uk",)

# What a volunteer (or anyone without an account) reads: the public pages, every email and
# every document, and the reference data they are shown. A message is public when one of its
# source references matches one of these patterns; everything else is the staff side.
PUBLIC_SOURCES = (
    "core/templates/*",
    "core/middleware.py",
    "core/views.py",
    "core/labels.py",
    "settings.py",
    "missions/*",
    "intake/forms.py",
    "intake/schemas.py",  # the form's error messages
    "intake/messages.py",  # (in the reader's language)
    "cases/documents.py",  # the refusals of the form's document
    "intake/views.py",
    "intake/subject_access*.py",
    "intake/templates/intake/*",  # every intake page but its staff pages (STAFF_SOURCES)
    "interviews/invitation*",
    "interviews/templates/interviews/invitation*",
    "mailin/services.py",
    "accounts/services.py",  # the security notice email
    "travel/services.py",
    "travel/instructions.py",
    "travel/defaults.py",
    "travel/templates/travel/_instructions.html",
    "travel/templates/travel/packet_*",
    "cases/reference_messages.py",
    "reports/public.py",  # the public statistics and their method
    "reports/views.py",  # (the public page's charts; the dashboard's words are staff text)
    "reports/templates/reports/public.html",
)

# Staff pages inside a public source above: a reference matching one of these is staff side.
STAFF_SOURCES = (
    "intake/templates/intake/import*",  # the spreadsheet import and a run's progress
    "intake/templates/intake/case_record.html",  # a clerk recording a contact
)


class CatalogError(ValueError):
    """A .po file that cannot be read; the message names the file and the line."""


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)  # "intake/forms.py" (no line)
    comments: list[str] = field(default_factory=list)  # the lines before it, but flags

    @property
    def key(self) -> str:
        """The key GNUTranslations uses in its catalog (context joined by EOT)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def is_header(self) -> bool:
        return not self.msgid and self.msgctxt is None

    @property
    def is_public(self) -> bool:
        return any(_is_public_source(ref) for ref in self.references)

    def is_translated(self, nplurals: int) -> bool:
        indices = list(range(nplurals)) if self.msgid_plural is not None else [0]
        return (
            "fuzzy" not in self.flags
            and sorted(self.msgstr) == indices
            and all(s.strip() for s in self.msgstr.values())
        )


_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+")


def _is_public_source(reference: str) -> bool:
    if any(fnmatch.fnmatch(reference, pattern) for pattern in STAFF_SOURCES):
        return False
    return any(fnmatch.fnmatch(reference, pattern) for pattern in PUBLIC_SOURCES)


def parse_po(text: str, *, name: str = "django.po") -> list[Entry]:
    """Active (non-obsolete) entries of a .po file, header included (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()
    references: list[str] = []
    comments: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
                continue
            if line.startswith("#:"):
                references.extend(ref.rsplit(":", 1)[0] for ref in line[2:].split())
            comments.append(line)
            continue
        keyword = _KEYWORD.match(line)
        if keyword:
            kind, index = keyword.group(1), int(keyword.group(2) or 0)
            if kind == "msgctxt" or (kind == "msgid" and (current is None or current.msgstr)):
                current = Entry(flags=flags, references=references, comments=comments)
                entries.append(current)
                flags, references, comments = set(), [], []
            if current is None:
                raise CatalogError(f"{name}:{number}: {kind} before msgid")
            target = (kind, index)
            if kind == "msgctxt":
                current.msgctxt = ""
            elif kind == "msgid_plural":
                current.msgid_plural = ""
            elif kind == "msgstr":
                current.msgstr[index] = ""
            line = line[keyword.end() :]
        if current is None or target is None or not line.startswith('"'):
            raise CatalogError(f"{name}:{number}: unexpected line {raw!r}")
        try:
            piece = ast.literal_eval(line)  # C-style escapes: \n, \", \\
        except (ValueError, SyntaxError) as error:
            raise CatalogError(f"{name}:{number}: not a quoted string {raw!r}") from error
        kind, index = target
        if kind == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + piece
        elif kind == "msgid":
            current.msgid += piece
        elif kind == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + piece
        else:
            current.msgstr[index] += piece
    return entries


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = escaped.split("\n")
    pieces = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if len(pieces) <= 1:
        return f'"{pieces[0] if pieces else ""}"'
    return '""\n' + "\n".join(f'"{piece}"' for piece in pieces)


def format_po(entries: Iterable[Entry]) -> str:
    """A .po text for `entries` (the inverse of ``parse_po``; ``makemessages`` re-wraps it)."""
    blocks = []
    for e in entries:
        # GNU order: comments and references, then flags, then the previous msgid (#|).
        lines = [c for c in e.comments if not c.startswith("#|")]
        if e.flags:
            lines.append("#, " + ", ".join(sorted(e.flags)))
        lines.extend(c for c in e.comments if c.startswith("#|"))
        if e.msgctxt is not None:
            lines.append(f"msgctxt {_quoted(e.msgctxt)}")
        lines.append(f"msgid {_quoted(e.msgid)}")
        if e.msgid_plural is not None:
            lines.append(f"msgid_plural {_quoted(e.msgid_plural)}")
            lines.extend(f"msgstr[{i}] {_quoted(e.msgstr[i])}" for i in sorted(e.msgstr))
        else:
            lines.append(f"msgstr {_quoted(e.msgstr.get(0, ''))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def fill(language: str, translations: dict[str, str | list[str]], root: Path = LOCALE_ROOT) -> int:
    """Write `translations` (key → text, or the list of plural forms) into the catalog of
    `language`, clearing their fuzzy flags; the number of messages filled. A key is the
    msgid, or "context\x04msgid". A translation that drops or adds a placeholder is refused."""
    path = root / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    entries = read_catalog(language, root)
    filled = 0
    for e in entries:
        if e.is_header or e.key not in translations:
            continue
        given = translations[e.key]
        forms = [given] if isinstance(given, str) else list(given)
        expected = placeholders(e.msgid) | placeholders(e.msgid_plural or "")
        for text in forms:
            if placeholders(text) != expected:
                raise CatalogError(f"{language}: {e.msgid!r}: placeholders of {text!r} differ")
        if e.msgid_plural is None:
            e.msgstr = {0: forms[0]}
        else:
            if len(forms) != PLURALS[language]:
                raise CatalogError(f"{language}: {e.msgid!r} needs {PLURALS[language]} forms")
            e.msgstr = dict(enumerate(forms))
        e.flags.discard("fuzzy")
        e.comments = [c for c in e.comments if not c.startswith("#|")]  # the guess's source
        filled += 1
    path.write_text(format_po(entries), "utf-8")
    return filled


def fuzzy_clear(language: str, root: Path = LOCALE_ROOT) -> int:
    """Empty msgmerge's fuzzy guesses on the messages `language` does not have to translate
    (the staff side outside STAFF_LANGUAGES): a guess is never shown, and a stale one would
    mislead the next translator. Required messages keep theirs, for a translator to check."""
    entries = read_catalog(language, root)
    cleared = 0
    for e in entries:
        if not e.is_header and "fuzzy" in e.flags and not required(e, language):
            e.flags.discard("fuzzy")
            e.msgstr = dict.fromkeys(e.msgstr, "")
            e.comments = [c for c in e.comments if not c.startswith("#|")]
            cleared += 1
    (root / language / "LC_MESSAGES" / f"{DOMAIN}.po").write_text(format_po(entries), "utf-8")
    return cleared


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message: ``%(name)s`` and ``{name}`` (blocktrans)."""
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def read_catalog(language: str, root: Path = LOCALE_ROOT) -> list[Entry]:
    path = root / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return parse_po(path.read_text("utf-8"), name=str(path))


def compiled_messages(entries: Iterable[Entry]) -> dict[bytes, bytes]:
    """What the .mo holds: original → translation, as GNU msgfmt writes them (contexts
    joined by EOT, plural forms by NUL); untranslated and fuzzy messages left out."""
    out: dict[bytes, bytes] = {}
    for e in entries:
        if e.is_header:
            if "fuzzy" not in e.flags:
                out[b""] = e.msgstr.get(0, "").encode("utf-8")
            continue
        if "fuzzy" in e.flags or not any(e.msgstr.values()):
            continue
        original = e.key if e.msgid_plural is None else f"{e.key}\x00{e.msgid_plural}"
        translated = "\x00".join(e.msgstr[i] for i in sorted(e.msgstr))
        out[original.encode("utf-8")] = translated.encode("utf-8")
    return out


def mo_bytes(messages: dict[bytes, bytes]) -> bytes:
    """The GNU .mo format (little-endian, no hash table): header, two tables of
    (length, offset), then the strings, each NUL-terminated; originals sorted."""
    keys = sorted(messages)
    header_size = 7 * 4
    table_size = len(keys) * 8
    originals_at = header_size
    translations_at = originals_at + table_size
    strings_at = translations_at + table_size
    strings = bytearray()
    original_table, translation_table = [], []
    for key in keys:
        original_table.append((len(key), strings_at + len(strings)))
        strings += key + b"\x00"
    for key in keys:
        value = messages[key]
        translation_table.append((len(value), strings_at + len(strings)))
        strings += value + b"\x00"
    out = bytearray(
        struct.pack("<7I", 0x950412DE, 0, len(keys), originals_at, translations_at, 0, 0)
    )
    for length, offset in original_table + translation_table:
        out += struct.pack("<2I", length, offset)
    return bytes(out + strings)


def compile_catalogs(root: Path = LOCALE_ROOT, *, force: bool = False) -> list[Path]:
    """Write every language's .mo from its .po where the .po is newer; the .mo paths written."""
    written = []
    for po in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        data = mo_bytes(compiled_messages(parse_po(po.read_text("utf-8"), name=str(po))))
        partial = mo.with_suffix(".mo.partial")
        partial.write_bytes(data)
        partial.replace(mo)  # a reader never sees half a file
        written.append(mo)
    return written


def languages(root: Path = LOCALE_ROOT) -> list[str]:
    return sorted(p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def required(entry: Entry, language: str) -> bool:
    """Whether the catalog of `language` must translate this message."""
    return entry.is_public or language in STAFF_LANGUAGES


def missing(language: str, root: Path = LOCALE_ROOT) -> list[Entry]:
    """The messages `language` must translate and does not (empty, fuzzy, wrong plurals)."""
    nplurals = PLURALS[language]
    return [
        e
        for e in read_catalog(language, root)
        if not e.is_header and required(e, language) and not e.is_translated(nplurals)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m enlist.core.catalogs", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("compile", help="write each django.mo from its django.po")
    build.add_argument("--force", action="store_true", help="rewrite even an up-to-date .mo")
    report = commands.add_parser("missing", help="list the messages each catalog still owes")
    report.add_argument("language", nargs="*", help="languages (default: all)")
    report.add_argument("--ids", action="store_true", help="print each missing msgid")
    report.add_argument("--json", action="store_true", help="print a skeleton for `fill`")
    apply = commands.add_parser("fill", help="write translations from a JSON file into a catalog")
    apply.add_argument("language")
    apply.add_argument("file", type=Path, help='{"msgid": "translation" or [plural forms]}')
    tidy = commands.add_parser("clear-fuzzy", help="drop fuzzy guesses nobody has to check")
    tidy.add_argument("language", nargs="*", help="languages (default: all)")
    args = parser.parse_args(argv)
    if args.command == "clear-fuzzy":
        for language in args.language or languages():
            print(f"{language}: {fuzzy_clear(language)} cleared", file=sys.stderr)
        return 0
    if args.command == "fill":
        translations = json.loads(args.file.read_text("utf-8"))
        print(f"{args.language}: {fill(args.language, translations)} filled", file=sys.stderr)
        return 0
    if args.command == "compile":
        written = compile_catalogs(force=args.force)
        print(
            f"catalogs: {len(written)} compiled, {len(languages()) - len(written)} up to date",
            file=sys.stderr,
        )
        return 0
    total = 0
    for language in args.language or languages():
        owed = missing(language)
        total += len(owed)
        if args.json:
            skeleton = {e.key: [""] * PLURALS[language] if e.msgid_plural else "" for e in owed}
            print(json.dumps({language: skeleton}, ensure_ascii=False, indent=1))
            continue
        print(f"{language}: {len(owed)} missing")
        if args.ids:
            for e in owed:
                context = f"[{e.msgctxt}] " if e.msgctxt is not None else ""
                print(f"  {','.join(sorted(set(e.references)))}: {context}{e.msgid!r}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
