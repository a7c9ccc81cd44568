"""The dashboard's sections as CSV (one section) or XLSX (a sheet per section)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from enlist.reports.dashboard import Section


def _cell(value: object) -> object:
    # A spreadsheet runs a cell that starts with = + - @ as a formula: labels never should.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def sections_csv(section: Section) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in section.headers])
    for row in section.rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def sections_xlsx(sections: Sequence[Section]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for section in sections:
        sheet = book.create_sheet(title=section.key[:31])
        sheet.append([section.title])
        sheet.append([section.note])
        sheet.append([_cell(h) for h in section.headers])
        for row in section.rows:
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
