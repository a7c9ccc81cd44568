"""Spreadsheet import: `enlist import` with CSV and XLSX mixes of good and bad rows."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application, Channel
from enlist.cases.services import application_transition
from enlist.errors import TransitionNotAllowed
from enlist.intake.services import application_consent_confirm

HEADERS = [
    "given_name", "family_name", "family_name_native", "date_of_birth", "nationality",
    "residence_country", "email", "phone", "passport_number", "languages",
    "military_experience.years", "military_experience.branch",
]  # fmt: skip


def good(n: int, **changes: str) -> list[str]:
    row = {
        "given_name": "Ivan", "family_name": f"Petrenko{n}", "family_name_native": "Петренко",
        "date_of_birth": "1988-02-03", "nationality": "CA", "residence_country": "CA",
        "email": f"ivan{n}@example.org", "phone": f"+1 416 555 01{n:02d}",
        "passport_number": f"XK{100000 + n}", "languages": "en, uk",
        "military_experience.years": "4", "military_experience.branch": "army",
    }  # fmt: skip
    row.update(changes)
    return [row[h] for h in HEADERS]


def run(path: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import", str(path), "--mission", "lt-vilnius", "--no-progress", *args,
                     stdout=out)  # fmt: skip
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def rejects(path: Path) -> list[list[str]]:
    with path.with_name(f"{path.stem}.rejects.csv").open(encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADERS, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def mixed_csv(tmp_path) -> Path:
    rows = [
        good(1),
        good(2, date_of_birth="31.02.1990"),  # bad date
        good(3, nationality="Atlantis"),  # unknown country
        good(1),  # the same row again
        good(4, date_of_birth="17.04.1991", nationality="Canada"),  # European date, a name
        good(5, family_name='=HYPERLINK("http://x")'),  # a formula in a CSV cell
        good(6),
    ]
    return write_csv(tmp_path / "vilnius-1251.csv", rows, "cp1251")


def test_windows_1251_csv_imports_good_rows_and_rejects_exactly_the_bad_ones(
    mixed_csv, vilnius, countries
):
    code, output = run(mixed_csv)
    assert code == 0
    assert "8 rows" not in output and "7 rows: imported 3, already imported 0, rejected 4" in output
    cases = Application.objects.filter(channel=Channel.IMPORT).order_by("import_row")
    assert [c.import_row for c in cases] == [2, 6, 8]
    assert [c.family_name_native for c in cases] == ["Петренко"] * 3  # decoded from cp1251
    assert cases[1].date_of_birth.isoformat() == "1991-04-17"
    assert cases[1].nationality_id == "CA"
    assert all(c.consent_at is None and c.consent_channel == "" for c in cases)
    lines = rejects(mixed_csv)
    assert lines[0][:3] == ["row", "reasons", "given_name"]
    assert [line[0] for line in lines[1:]] == ["3", "4", "5", "7"]
    reasons = {line[0]: line[1] for line in lines[1:]}
    assert reasons["3"].startswith("date_of_birth: Not a date")
    assert reasons["4"] == "nationality: Use a two-letter ISO 3166-1 country code, such as CA."
    assert reasons["5"] == "row: The same as row 2."
    assert reasons["7"].startswith("family_name: A formula without a value")
    assert lines[2][2:] == good(3, nationality="Atlantis")  # the row as it was, for fixing
    entry = AuditEntry.objects.filter(detail__change="import").get()
    assert entry.actor_role == "system"
    assert entry.detail["count"] == 3 and entry.detail["rejected"] == 4


def test_rerunning_an_import_creates_no_duplicates(mixed_csv, vilnius, countries):
    run(mixed_csv)
    code, output = run(mixed_csv)
    assert code == 0
    assert "7 rows: imported 0, already imported 3, rejected 4" in output
    assert Application.objects.count() == 3
    assert [line[0] for line in rejects(mixed_csv)[1:]] == ["3", "4", "5", "7"]


def test_dry_run_writes_nothing_but_the_rejects_file(mixed_csv, vilnius, countries):
    code, output = run(mixed_csv, "--dry-run")
    assert code == 1
    assert "would import 3" in output
    assert Application.objects.count() == 0
    assert not AuditEntry.objects.filter(detail__change="import").exists()
    assert len(rejects(mixed_csv)) == 5


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(mixed_csv, vilnius, countries):
    code, output = run(mixed_csv, "--all-or-nothing")
    assert code == 1
    assert Application.objects.count() == 0
    assert len(rejects(mixed_csv)) == 5
    clean = write_csv(mixed_csv.with_name("clean.csv"), [good(1), good(2)], "cp1251")
    assert run(clean, "--all-or-nothing")[0] == 0
    assert Application.objects.count() == 2
    assert not clean.with_name("clean.rejects.csv").exists()


def test_utf8_bom_csv_with_comma_delimiter(tmp_path, vilnius, countries):
    path = tmp_path / "bom.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, good(1, given_name="Jürgen"), good(2)])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    code, output = run(path)
    assert code == 0 and "imported 2" in output
    assert {a.given_name for a in Application.objects.all()} == {"Jürgen", "Ivan"}


def _with_cached_value(path: Path, cell: str, value: str) -> None:
    """Give formula cell `cell` a cached value, as a spreadsheet program saves it."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, count = re.subn(
        rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)<v\s*/>', rf"\1\2<v>{value}</v>", sheet
    )
    assert count == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_xlsx_with_title_merged_group_headers_formulas_and_empty_tail(tmp_path, vilnius, countries):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Volunteers who called the embassy"])  # a title row, merged over the top
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    plain = HEADERS[:-2]
    ws.append([*plain, "military_experience", None])  # a group merged over two columns
    ws.merge_cells(start_row=2, start_column=11, end_row=2, end_column=12)
    ws.append([None] * len(plain) + ["years", "branch"])
    ws.append(good(1)[:-2] + [4, "army"])
    born = good(2)
    ws.append([*born[:3], datetime.datetime(1985, 5, 6), *born[4:-2], None, "navy"])
    ws["K5"] = "=2*3"  # cached value 6 below
    ws.append(good(3)[:-2] + [None, "army"])
    ws["K6"] = "=1+1"  # no cached value: refused
    ws.append(good(4, date_of_birth="1990-13-01")[:-2] + [2, "army"])
    ws.append(good(5, residence_country="ZZ")[:-2] + [2, "army"])
    ws.cell(row=4000, column=40, value=" ")  # the sheet's extent: thousands of empty rows/columns
    path = tmp_path / "oslo.xlsx"
    wb.save(path)
    _with_cached_value(path, "K5", "6")

    code, output = run(path)
    assert code == 0
    assert "5 rows: imported 2, already imported 0, rejected 3" in output
    cases = {c.import_row: c for c in Application.objects.all()}
    assert sorted(cases) == [4, 5]
    assert cases[5].date_of_birth.isoformat() == "1985-05-06"
    assert cases[5].military_experience["years"] == 6
    assert cases[5].military_experience["branch"] == "navy"
    lines = rejects(path)
    assert [line[0] for line in lines[1:]] == ["6", "7", "8"]
    assert lines[1][1].startswith("military_experience.years: A formula without a value")
    assert lines[2][1].startswith("date_of_birth: Not a date")
    assert lines[3][1] == "residence_country: Unknown country code."
    assert len(lines[1]) == 2 + len(HEADERS)  # the empty columns are not carried


def test_a_file_that_is_not_a_spreadsheet_is_refused_as_a_whole(tmp_path, vilnius):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(Exception, match="file: Not a readable XLSX workbook"):
        run(path)
    assert Application.objects.count() == 0


def test_imported_case_stays_in_screening_until_consent_is_confirmed(
    mixed_csv, vilnius, countries, clerk_vilnius
):
    run(mixed_csv)
    case = Application.objects.get(import_row=2)
    application_transition(application=case, to="screening", actor=clerk_vilnius)
    with pytest.raises(TransitionNotAllowed, match="consent is still to be confirmed"):
        application_transition(application=case, to="interview", actor=clerk_vilnius)
    assert Application.objects.get(pk=case.pk).stage == "screening"
    application_consent_confirm(application=case, actor=clerk_vilnius, channel=Channel.PHONE)
    case = Application.objects.get(pk=case.pk)
    assert case.consent_channel == "phone" and case.consent_recorded_by == clerk_vilnius
    assert case.consent_wording == "2026-1"
    application_transition(application=case, to="interview", actor=clerk_vilnius)
    assert Application.objects.get(pk=case.pk).stage == "interview"


def test_staff_import_page_dry_run_then_import(signed_in, clerk_vilnius, mixed_csv, countries):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(clerk_vilnius)
    assert client.get("/staff/cases/import/").status_code == 200

    def upload(**extra):
        return client.post("/staff/cases/import/", {
            "file": SimpleUploadedFile("sheet.csv", mixed_csv.read_bytes(), "text/csv"),
            "mission": "lt-vilnius", **extra,
        })  # fmt: skip

    html = upload(dry_run="on").content.decode()
    assert "7 rows: 3 valid, 0 imported, 0 already imported, 4 rejected." in html
    assert "The same as row 2." in html
    assert Application.objects.count() == 0
    html = upload().content.decode()
    assert "3 imported" in html
    cases = Application.objects.all()
    assert {c.recorded_by for c in cases} == {clerk_vilnius}
    assert {c.channel for c in cases} == {"import"}


def test_staff_import_page_is_for_the_own_mission_only(signed_in, clerk_oslo, vilnius,
                                                       mixed_csv, countries):  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(clerk_oslo).post("/staff/cases/import/", {
        "file": SimpleUploadedFile("sheet.csv", mixed_csv.read_bytes(), "text/csv"),
        "mission": "lt-vilnius",
    })  # fmt: skip
    assert response.status_code == 200
    assert Application.objects.count() == 0
