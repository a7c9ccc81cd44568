"""`enlist interviews schedule [--mission CODE] [--dry-run] [--replan]` and
`enlist interviews remind`."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enlist.accounts.models import StaffUser
from enlist.core.progress import progress_bar
from enlist.interviews.booking import interviews_schedule, missions_to_schedule
from enlist.interviews.models import Interpreter, Venue
from enlist.interviews.services import interviews_remind


class Command(BaseCommand):
    help = (
        "Interviews: `schedule` books waiting cases (stage interview, no slot) onto panel "
        "slots with the CP-SAT-backed scheduler, mission by mission, and queues the "
        "invitations (sent by `enlist worker`); `--dry-run` only prints what it would book "
        "and why cases stay unbooked; confirmed interviews never move, unconfirmed ones "
        "only with `--replan`. "
        "`remind` queues a reminder for applicants whose interview starts within 24 hours (once "
        "each); the worker also runs it hourly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        schedule = sub.add_parser("schedule", help="Book waiting cases onto panel slots.")
        schedule.add_argument("--mission", help="Only this mission (code, e.g. lt-vilnius).")
        schedule.add_argument(
            "--dry-run", action="store_true", help="Print the plan; write and send nothing."
        )
        schedule.add_argument(
            "--replan",
            action="store_true",
            help="Also move booked interviews the applicant has not confirmed yet.",
        )
        schedule.add_argument(
            "--time-limit", type=float, default=10.0, help="Seconds per mission for the solver."
        )
        sub.add_parser("remind", help="Queue the 24-hour reminders not yet queued.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "remind":
            queued = interviews_remind()
            self.stdout.write(f"reminders queued: {queued}")
            return
        missions = missions_to_schedule(options.get("mission"))
        if not missions:
            raise CommandError(f"No active mission {options.get('mission') or ''}".strip() + ".")
        bar = progress_bar(total=len(missions), unit="mission", desc="missions", progress=None)
        try:
            outcomes = interviews_schedule(
                missions=missions,
                dry_run=options["dry_run"],
                replan=options["replan"],
                time_limit=options["time_limit"],
                progress=lambda mission: bar.update(1),
            )
        finally:
            bar.close()
        verb = "would book" if options["dry_run"] else "booked"
        zones = {m.code: zoneinfo.ZoneInfo(m.timezone) for m in missions}
        staff = {str(pk): name for pk, name in StaffUser.objects.values_list("pk", "username")}
        venues = {str(pk): name for pk, name in Venue.objects.values_list("pk", "name")}
        interpreters = {str(pk): n for pk, n in Interpreter.objects.values_list("pk", "name")}
        total = 0
        for outcome in outcomes:
            result = outcome.result
            total += len(result.new)
            zone = zones[outcome.mission]
            self.stdout.write(
                f"{outcome.mission}: {verb} {len(result.new)}, unbooked {len(result.unbooked)} "
                f"(bound {result.bound}, {'optimal' if result.optimal else 'not proven optimal'},"
                f" {result.seconds:.2f}s)"
            )
            for booking in result.new:
                local = booking.start.astimezone(zone)
                interpreter = (
                    f", interpreter {interpreters.get(booking.interpreter_id)}"
                    if booking.interpreter_id
                    else ""
                )
                self.stdout.write(
                    f"  {verb} case {booking.case_id} at {local:%Y-%m-%d %H:%M %Z}: attaché "
                    f"{staff.get(booking.attache_id)}, consul {staff.get(booking.consul_id)}, "
                    f"{venues.get(booking.venue_id)}{interpreter}"
                )
            for case_id, reason in sorted(result.unbooked.items()):
                self.stdout.write(f"  unbooked case {case_id}: {reason}")
        self.stdout.write(f"total {verb}: {total}")
