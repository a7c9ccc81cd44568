"""Reading a mission's spreadsheet into intake-shaped rows (pure: no Django).

Guarantees:

- **Every non-empty row is accounted for**, by its number in the file (1-based, as a
  spreadsheet shows it): it becomes a ``SheetRow`` with the values mapped onto the intake
  contract's field names, or its errors name the field. Empty rows (thousands of trailing
  ones included) are skipped and never counted; trailing empty columns are ignored.
- **Formulas are never evaluated.** An XLSX formula cell gives the value the spreadsheet
  program cached when it last saved the file; one without a cached value is refused (field
  named, "a formula without a value"). A CSV cell that starts with ``=`` is refused too.
- **Encodings**: CSV in UTF-8 with or without BOM, Windows-1251, and others recognised by
  charset-normalizer; a file that cannot be decoded is refused as a whole (``SheetError``).
- **Headers**: the header row is the first of the first ten rows that names at least two
  known fields (a title row above it is skipped). A merged cell above the headers (a group
  such as "military_experience" over "years" and "branch") is carried to the right over its
  span, and its sub-headers become ``military_experience.years``. A saved mapping
  (header → field) wins over names; without one a header named like an intake field (case,
  spaces and hyphens aside) maps itself.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from charset_normalizer import from_bytes

# The intake contract's fields a spreadsheet column may fill (consent is the channel's).
FIELDS = (
    "given_name",
    "family_name",
    "given_name_native",
    "family_name_native",
    "date_of_birth",
    "nationality",
    "residence_country",
    "email",
    "phone",
    "passport_number",
    "mission",
    "languages",
    "military_experience.years",
    "military_experience.branch",
    "military_experience.last_rank",
    "military_experience.combat_deployments",
    "military_experience.peacekeeping",
    "military_experience.specialties",
)
LIST_FIELDS = frozenset({"languages", "military_experience.specialties"})
BOOL_FIELDS = frozenset({"military_experience.peacekeeping"})
INT_FIELDS = frozenset({"military_experience.years", "military_experience.combat_deployments"})
COUNTRY_FIELDS = frozenset({"nationality", "residence_country"})
HEADER_SCAN_ROWS = 10
_TRUE = frozenset({"yes", "y", "true", "1", "x", "так", "да", "sí", "si"})
_FALSE = frozenset({"no", "n", "false", "0", "", "ні", "нет"})
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


class SheetError(ValueError):
    """The file as a whole cannot be read (format, encoding, no header row)."""


@dataclass
class SheetRow:
    """One non-empty row: its number in the file, the intake-shaped data and its errors."""

    number: int
    data: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    raw: list[str] = field(default_factory=list)  # the cells as read, for the rejects file


@dataclass
class Sheet:
    headers: list[str]
    mapping: dict[int, str]  # column index → intake field
    unmapped: list[str]
    rows: Iterator[SheetRow]


def header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def auto_field(header: str) -> str | None:
    key = header_key(header)
    return key if key in FIELDS else None


# --- cells ------------------------------------------------------------------------------


class _Formula:
    """A formula cell with no cached value."""


FORMULA = _Formula()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _trimmed(cells: Sequence[Any]) -> list[Any]:
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return list(cells[:end])


# --- reading ----------------------------------------------------------------------------


def decode_csv(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not) first, then the detector's best guess."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(content[:200_000], cp_isolation=None).best()
    if best is None or best.encoding is None:
        raise SheetError("The file's text encoding could not be recognised: save it as UTF-8.")
    try:
        return content.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise SheetError(
            "The file's text encoding could not be recognised: save it as UTF-8."
        ) from None


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = decode_csv(content)
    try:
        dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for cells in reader:
            yield reader.line_num, [FORMULA if c.startswith("=") else c for c in cells]
    except csv.Error as exc:
        raise SheetError(f"The CSV file is malformed near line {reader.line_num}: {exc}.") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl  # imported here: a CSV import never pays for it

    try:
        values_book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise SheetError(f"Not a readable XLSX workbook ({type(exc).__name__}).") from None
    try:
        values, formulas = values_book.worksheets[0], formula_book.worksheets[0]
        for number, (cached, written) in enumerate(
            zip(
                values.iter_rows(values_only=True),
                formulas.iter_rows(values_only=True),
                strict=False,
            ),
            start=1,
        ):
            cells: list[Any] = []
            for value, source in zip(cached, written, strict=False):
                is_formula = isinstance(source, str) and source.startswith("=")
                cells.append(FORMULA if is_formula and value is None else value)
            yield number, cells
    finally:
        values_book.close()
        formula_book.close()


def _raw_rows(path: Path, content: bytes | None = None) -> Iterator[tuple[int, list[Any]]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    if suffix in (".csv", ".txt"):
        return _csv_rows(content if content is not None else path.read_bytes())
    raise SheetError("Import a .csv or .xlsx file.")


def _header_fields(
    row: list[Any], above: list[Any] | None, saved: Mapping[str, str]
) -> tuple[list[str], dict[int, str]]:
    """Headers of `row` (with groups from the merged row `above`) and their mapping."""
    groups: list[str] = []
    carried = ""
    for cell in above or []:
        text = _cell_text(cell) if cell is not FORMULA else ""
        carried = text or carried  # a merged cell spans to the right until the next one
        groups.append(carried)
    groups += [carried] * (len(row) - len(groups))  # a merged cell's trailing span reads empty
    headers: list[str] = []
    mapping: dict[int, str] = {}
    for index, cell in enumerate(row):
        text = _cell_text(cell) if cell is not FORMULA else ""
        group = groups[index] if index < len(groups) else ""
        full = f"{group}.{text}" if group and text else text
        chosen = None
        for candidate in (full, text):
            if not candidate:
                continue
            mapped = saved.get(candidate) or saved.get(header_key(candidate))
            chosen = mapped if mapped in FIELDS else auto_field(candidate)
            if chosen:
                break
        headers.append(full if chosen and chosen == auto_field(full) else text)
        if chosen and chosen not in mapping.values():
            mapping[index] = chosen
    return headers, mapping


def read_sheet(
    path: Path, *, mapping: Mapping[str, str] | None = None, content: bytes | None = None
) -> Sheet:
    """Open `path` (.csv or .xlsx) and find its header row; rows are read lazily."""
    saved = {header_key(k): v for k, v in (mapping or {}).items()} | dict(mapping or {})
    rows = _raw_rows(path, content)
    seen: list[tuple[int, list[Any]]] = []
    header_at = None
    for number, cells in rows:
        cells = _trimmed(cells)
        seen.append((number, cells))
        above = seen[-2][1] if len(seen) > 1 else None
        headers, columns = _header_fields(cells, above, saved)
        if len(columns) >= 2:
            header_at = len(seen) - 1
            break
        if len(seen) >= HEADER_SCAN_ROWS:
            break
    if header_at is None:
        raise SheetError(
            "No header row naming the intake fields was found in the first "
            f"{HEADER_SCAN_ROWS} rows (e.g. given_name, family_name, date_of_birth)."
        )
    header_cells = seen[header_at][1]
    rows, width = _sub_headers(rows, header_cells, columns, saved, len(headers))
    headers += [""] * (width - len(headers))
    for index, name in columns.items():
        if "." in name and auto_field(headers[index]) != name:
            headers[index] = name  # a sub-header under a merged group: named in full
    unmapped = [h for i, h in enumerate(headers) if h and i not in columns]
    return Sheet(
        headers=headers,
        mapping=columns,
        unmapped=unmapped,
        rows=_rows(rows, columns, width),
    )


def _sub_headers(
    rows: Iterator[tuple[int, list[Any]]],
    header_cells: list[Any],
    columns: dict[int, str],
    saved: Mapping[str, str],
    width: int,
) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    """A second header row under merged group cells ("military_experience" over "years",
    "branch"): its sub-headers join the mapping; otherwise the row is data and is put back."""
    try:
        first = next(rows)
    except StopIteration:
        return iter(()), width
    cells = _trimmed(first[1])
    _, sub = _header_fields(cells, header_cells, saved)
    grouped = {i: f for i, f in sub.items() if "." in f and i not in columns}
    others_empty = all(index >= len(cells) or _cell_text(cells[index]) == "" for index in columns)
    if grouped and others_empty and not (set(grouped.values()) & set(columns.values())):
        columns.update(grouped)
        return rows, max(width, len(cells))
    return itertools.chain([first], rows), width


def _rows(
    rows: Iterator[tuple[int, list[Any]]], columns: dict[int, str], width: int
) -> Iterator[SheetRow]:
    for number, cells in rows:
        cells = cells[:width]
        if all(c is None or (c is not FORMULA and _cell_text(c) == "") for c in cells):
            continue
        yield row_data(number, cells, columns)


def row_data(number: int, cells: Sequence[Any], columns: Mapping[int, str]) -> SheetRow:
    """Turn one row's cells into the intake contract's shape (strings parsed where a
    spreadsheet has its own conventions: dates, yes/no, lists, country names)."""
    row = SheetRow(number=number, data={}, raw=[_cell_text(c) if c is not FORMULA else "=…"
                                               for c in cells])  # fmt: skip
    experience: dict[str, Any] = {}
    for index, name in columns.items():
        cell = cells[index] if index < len(cells) else None
        if cell is FORMULA:
            row.errors.append((name, "A formula without a value: enter the value itself."))
            continue
        text = _cell_text(cell)
        if text == "":
            continue
        try:
            value = _parse(name, cell, text)
        except ValueError as exc:
            row.errors.append((name, str(exc)))
            continue
        if name.startswith("military_experience."):
            experience[name.split(".", 1)[1]] = value
        else:
            row.data[name] = value
    row.data.setdefault("languages", [])
    experience.setdefault("specialties", [])
    row.data["military_experience"] = experience
    return row


def _parse(name: str, cell: Any, text: str) -> Any:
    if name == "date_of_birth":
        return _date(cell, text)
    if name in LIST_FIELDS:
        return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
    if name in BOOL_FIELDS:
        key = text.lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValueError("Write yes or no.")
    if name in INT_FIELDS:
        try:
            return int(float(text.replace(",", ".")))
        except ValueError:
            raise ValueError("Write a whole number.") from None
    if name in COUNTRY_FIELDS:
        return _country(text)
    return text


def _date(cell: Any, text: str) -> str:
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError("Not a date: write it as YYYY-MM-DD (or DD.MM.YYYY).")


def _country(text: str) -> str:
    """A two-letter code as written, or the code of a country named in English."""
    if len(text) == 2:
        return text.upper()
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return text  # the intake contract refuses it, with its own message
