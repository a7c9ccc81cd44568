"""`enlist keys status` and `enlist keys rotate`: the key-encryption keys (KEKs) of data keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enlist.vault.events import data_keys_rotated
from enlist.vault.services import ROTATE_BATCH_SIZE, data_key_status, data_keys_rotate


class Command(BaseCommand):
    help = (
        "Key-encryption keys (ENLIST_FIELD_KEY): count data keys per KEK version, or re-wrap "
        "them all under the active (highest) version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "status",
            help="Count data keys per KEK version; exit 1 if a version in use is not in the ring.",
        )
        rotate = sub.add_parser(
            "rotate",
            help="Re-wrap every data key not under the active KEK version (resumable; safe "
            "while serving). Afterwards the old KEK lines can be removed.",
        )
        rotate.add_argument(
            "--batch-size",
            type=int,
            default=ROTATE_BATCH_SIZE,
            help=f"Data keys per transaction (default {ROTATE_BATCH_SIZE}).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            self._status()
        else:
            self._rotate(batch_size=options["batch_size"])

    def _status(self) -> None:
        status = data_key_status()
        versions = ", ".join(str(v) for v in status.ring_versions)
        self.stdout.write(f"KEK ring: versions {versions}; active {status.active_version}")
        self.stdout.write("Data keys by KEK version:")
        for version in sorted(set(status.live_by_version) | {status.active_version}):
            marks = []
            if version == status.active_version:
                marks.append("active")
            if version not in status.ring_versions:
                marks.append("NOT IN THE RING")
            suffix = f" ({', '.join(marks)})" if marks else ""
            self.stdout.write(f"  version {version}: {status.live_by_version[version]}{suffix}")
        self.stdout.write(f"Destroyed (erased cases): {status.destroyed}")
        if status.to_rotate:
            self.stdout.write(f"To re-wrap: {status.to_rotate}. Run `enlist keys rotate`.")
        if status.removable_versions:
            removable = ", ".join(str(v) for v in status.removable_versions)
            self.stdout.write(f"No data key uses KEK version(s) {removable}: they can be removed.")
        if status.missing_versions:
            missing = ", ".join(str(v) for v in status.missing_versions)
            raise CommandError(
                f"KEK version(s) {missing} are in use but not in the ring: those cases cannot "
                "be read until the key lines are put back."
            )

    def _rotate(self, *, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        report = data_keys_rotate(batch_size=batch_size)
        if report.rewrapped:
            # recorded in the audit trail (audit/signals.py)
            data_keys_rotated.send(
                sender=Command, version=report.active_version, count=report.rewrapped, via="cli"
            )
        self.stdout.write(
            f"Re-wrapped {report.rewrapped} data keys under KEK version {report.active_version}."
        )
        if report.remaining:
            raise CommandError(
                f"{report.remaining} data keys are wrapped with a KEK version missing from the "
                "ring; put its line back and run `enlist keys rotate` again."
            )
        self.stdout.write(
            "Every data key is under the active version: older KEK lines can be removed."
        )
