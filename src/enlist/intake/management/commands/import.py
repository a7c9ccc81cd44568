"""`enlist import FILE.csv|FILE.xlsx --mission CODE [--dry-run] [--all-or-nothing]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from enlist.core.progress import progress_arguments, progress_bar
from enlist.intake.imports import (
    ImportReport,
    SheetError,
    rejects_path_for,
    spreadsheet_import,
)
from enlist.missions.models import Mission


class Command(BaseCommand):
    help = (
        "Import a mission's spreadsheet (.csv in UTF-8, Windows-1251 or another detected "
        "encoding, or .xlsx): each valid row becomes an application with channel 'import', "
        "its row number and consent 'to be confirmed'; bad rows go to FILE.rejects.csv "
        "beside the input with their row number and reasons. Columns map by the mission's "
        "saved mapping, or by header names like the intake fields (military_experience.years). "
        "A re-run imports no row twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file.")
        parser.add_argument("--mission", required=True, help="Mission code, e.g. lt-vilnius.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; import nothing."
        )
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="Import nothing if any row is bad (the rejects file still lists them).",
        )
        progress_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"file: {path} is not a file.")
        if path.stat().st_size > settings.ENLIST_IMPORT_MAX_BYTES:
            raise CommandError(
                f"file: larger than ENLIST_IMPORT_MAX_BYTES ({settings.ENLIST_IMPORT_MAX_BYTES})."
            )
        mission = Mission.objects.filter(code=options["mission"], is_active=True).first()
        if mission is None:
            raise CommandError(f"--mission: no active mission {options['mission']!r}.")
        progress = options["progress"]
        with progress_bar(
            total=None,
            unit="row",
            desc="Importing" if not options["dry_run"] else "Checking",
            progress=progress,
        ) as bar:
            try:
                report = spreadsheet_import(
                    path=path,
                    mission=mission,
                    actor=None,
                    dry_run=options["dry_run"],
                    all_or_nothing=options["all_or_nothing"],
                    rejects_path=rejects_path_for(path),
                    progress=lambda report: _advance(bar, report),
                )
            except SheetError as exc:
                raise CommandError(f"file: {exc}") from None
        out = self.stdout
        mapped = ", ".join(f"{h} → {f}" for h, f in report.mapping.items())
        out.write(f"Columns: {mapped}")
        if report.unmapped:
            out.write(f"Ignored columns: {', '.join(report.unmapped)}")
        for problem in report.rejected:
            for name, message in problem.errors:
                out.write(f"row {problem.number}: {name}: {message}")
        verb = "would import" if report.dry_run else "imported"
        if report.aborted:
            verb = "nothing imported (all or nothing); valid"
            count = report.valid - report.already_imported
        else:
            count = (report.valid - report.already_imported) if report.dry_run else report.imported
        out.write(
            f"{report.rows} rows: {verb} {count}, already imported {report.already_imported}, "
            f"rejected {len(report.rejected)}"
        )
        if report.rejected:
            out.write(f"Rejected rows written to {report.rejects_path}")
        if report.rejected and (report.aborted or report.dry_run):
            sys.exit(1)


def _advance(bar: tqdm, report: ImportReport) -> None:
    bar.total = report.rows
    bar.set_postfix(rejected=len(report.rejected), flagged=report.flagged, refresh=False)
    bar.update(report.done - bar.n)
    # Once a chunk: drawn every time, however fast (tqdm skips draws within mininterval).
    bar.refresh()
