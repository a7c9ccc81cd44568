"""`enlist dedup INPUT.csv --out CLUSTERS.csv`: a thin shell over ``enlist.matching.csvio``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enlist.matching.csvio import InputError, dedup_csv
from enlist.matching.engine import DEFAULT_THRESHOLD


class Command(BaseCommand):
    help = (
        "Find the records of one person in a CSV of applications (columns id, given_name, "
        "family_name, date_of_birth, nationality, passport_number, email, phone, city) and "
        "write id,cluster_id. Bad rows are reported on stderr with their line number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", metavar="INPUT.csv", help="UTF-8 CSV with a header row.")
        parser.add_argument("--out", required=True, metavar="CLUSTERS.csv", help="Output CSV.")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            metavar="P",
            help=f"Match probability that links two records (default {DEFAULT_THRESHOLD}).",
        )
        parser.add_argument(
            "--explain", metavar="PAIRS.csv", help="Also write scored pairs with field evidence."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0.0 < options["threshold"] < 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        try:
            summary = dedup_csv(
                options["input"],
                options["out"],
                threshold=options["threshold"],
                explain_path=options["explain"],
                progress=True,
                errors=self.stderr,
            )
        except (InputError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{summary.records} records, {summary.clusters} people, "
            f"{len(summary.problems)} problem rows"
        )
