"""`enlist matching rematch`: match every stored application again (after an import, a
change of threshold or of the engine)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Application
from enlist.core.progress import progress_arguments, progress_bar
from enlist.matching.services import applications_rematch, match_threshold, matching_model_learn


class Command(BaseCommand):
    help = (
        "Possible duplicates: `rematch` rewrites every application's keyed blocking digests "
        "and matches each against all others, flagging pairs at or above "
        "ENLIST_MATCH_THRESHOLD for HQ's review. Pairs HQ already decided stay decided. "
        "`learn` re-estimates the weights from HQ's confirmed and dismissed pairs (within "
        "the guard: ENLIST_MATCH_LEARN_STRENGTH, at most one bit per weight and step) and "
        "makes the result the new model version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rematch = sub.add_parser("rematch", help="Match every stored application again.")
        progress_arguments(rematch)
        learn = sub.add_parser(
            "learn", help="Re-estimate the weights from HQ's decisions: a new model version."
        )
        learn.add_argument(
            "--force",
            action="store_true",
            help="Make a version even when no decision is new since the model in use.",
        )

    def handle(self, *args: Any, action: str, progress: bool | None = None, **options: Any):
        if action == "learn":
            row = matching_model_learn(actor=None, via="cli", force=options["force"])
            if row is None:
                self.stdout.write("No new decisions since the model in use: nothing changed.")
            else:
                self.stdout.write(
                    f"Matching model version {row.version}, learned from {row.decisions} "
                    "decisions, is now in use."
                )
            return
        total = Application.objects.filter(data_key__destroyed_at__isnull=True).count()
        with progress_bar(total=2 * total, unit="step", desc="Matching", progress=progress) as bar:
            matched, open_pairs = applications_rematch(progress=bar.update)
        audit_record(
            actor=None,
            actor_role="system",
            action=AuditAction.CHANGE,
            detail={"via": "cli", "change": "match_rematch", "count": matched},
        )
        self.stdout.write(
            f"Matched {matched} applications (threshold {match_threshold():g}): "
            f"{open_pairs} pairs await HQ's review."
        )
