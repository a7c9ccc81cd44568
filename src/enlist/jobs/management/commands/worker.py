"""`enlist worker`: run background jobs (email, packets, reminders, retention, checkpoints)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enlist.jobs import registry
from enlist.jobs.worker import Worker


class Command(BaseCommand):
    help = (
        "Run background jobs from the database queue: email, travel packets, interview "
        "reminders (hourly), retention (daily), audit checkpoints (daily). Runs until SIGTERM "
        "or Ctrl-C, finishing the job in hand. Any number of workers may run side by side."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Run at most one due job, then exit.")
        mode.add_argument(
            "--burst", action="store_true", help="Run every due job, then exit (for cron or CI)."
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not queue the periodic jobs (reminders, retention, checkpoints).",
        )
        kinds = parser.add_mutually_exclusive_group()
        kinds.add_argument(
            "--kind",
            action="append",
            metavar="KIND",
            choices=registry.kinds(),
            help="Run only jobs of this kind (repeatable), e.g. matching.on_arrival for a "
            "worker that matches new applications during a surge.",
        )
        kinds.add_argument(
            "--exclude-kind",
            action="append",
            default=[],
            metavar="KIND",
            choices=registry.kinds(),
            help="Never run jobs of this kind (repeatable).",
        )
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="Stop once the process that started this worker is gone (as `enlist demo` "
            "starts it: a demo killed with -9 leaves no worker behind).",
        )

    def handle(
        self,
        *args: Any,
        once: bool,
        burst: bool,
        no_schedule: bool,
        kind: list[str] | None,
        exclude_kind: list[str],
        exit_with_parent: bool,
        **options: Any,
    ) -> None:
        worker = Worker(
            schedule=not no_schedule,
            kinds=kind,
            exclude_kinds=exclude_kind,
            parent_pid=os.getppid() if exit_with_parent else None,
        )
        if once:
            if worker.schedule:
                worker.enqueue_periodic()
            ran = 1 if worker.run_once() else 0
        elif burst:
            ran = worker.run_burst()
        else:
            worker.run_forever()
            return
        self.stdout.write(f"ran {ran} job{'s' if ran != 1 else ''}")
