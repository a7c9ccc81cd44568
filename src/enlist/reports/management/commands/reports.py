"""enlist reports rebuild — recompute the dashboards' counts from the cases."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from enlist.reports.services import pipeline_aggregates_rebuild


class Command(BaseCommand):
    help = (
        "Reports: 'rebuild' recomputes the dashboards' pre-aggregated counts from the cases "
        "(after a bulk load or a restore), with a progress bar on stderr."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="Recompute every count from the cases.")

    def handle(self, *args, action: str, **options):
        # disable=None: a bar on a terminal, none in a log file
        bar = tqdm(total=None, unit="case", desc="Counting", file=sys.stderr, disable=None)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        rows = pipeline_aggregates_rebuild(progress=progress)
        bar.close()
        self.stdout.write(f"{rows} count rows rebuilt.")
