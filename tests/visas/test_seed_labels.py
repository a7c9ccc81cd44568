"""Every checklist label the first migration seeds is a catalog entry (visas/seed.py)."""

from __future__ import annotations

import importlib

from django.utils import translation

from enlist.visas.seed import SEEDED_LABELS


def test_every_seeded_checklist_label_is_a_catalog_entry():
    migration = importlib.import_module("enlist.visas.migrations.0002_seed_checklists")
    seeded = {label for labels in migration.CHECKLISTS.values() for label in labels}
    assert seeded == set(SEEDED_LABELS)


def test_a_seeded_label_reads_in_ukrainian():
    with translation.override("uk"):
        assert translation.gettext("Passport photograph") != "Passport photograph"
