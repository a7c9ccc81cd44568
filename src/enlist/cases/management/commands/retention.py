"""`enlist retention run [--dry-run]`: erase every case whose retention period is over."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enlist.cases.erasure import retention_policy, retention_run


class Command(BaseCommand):
    help = (
        "Erase (crypto-shred) every closed case whose retention period is over "
        "(ENLIST_RETENTION_DAYS). Run it daily, e.g. from a systemd timer or cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Erase the expired cases, printing counts per rule.")
        run.add_argument(
            "--dry-run", action="store_true", help="Only count the expired cases; change nothing."
        )

    def handle(self, *args: Any, action: str, dry_run: bool = False, **options: Any) -> None:
        policy = retention_policy()
        rules = ", ".join(
            f"{stage} {days} days" for stage, days in sorted(policy.stage_days.items())
        )
        self.stdout.write(f"Retention: {rules}; high-risk at most {policy.high_risk_days} days.")
        report = retention_run(dry_run=dry_run)
        by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(report.due.items()))
        self.stdout.write(
            f"Due for erasure: {report.total_due}" + (f" ({by_rule})" if by_rule else "")
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was erased.")
        else:
            self.stdout.write(f"Erased {report.erased} cases.")
