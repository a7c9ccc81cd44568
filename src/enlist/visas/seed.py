"""The labels of the visa checklists every database starts with (migration
0002_seed_checklists), as catalog entries: pages show a seeded label in the reader's
language (`reference_text`), a label HQ or a consul wrote as written. The migration keeps its
own frozen copy, as migrations must; tests/visas/test_seed_labels.py keeps the two equal."""

from __future__ import annotations

from django.utils.translation import gettext_noop

SEEDED_LABELS = (
    gettext_noop("Passport valid at least three months beyond the stay"),
    gettext_noop("Passport photograph"),
    gettext_noop("Proof of travel medical insurance"),
    gettext_noop("Military service documents"),
    gettext_noop("Passport"),
    gettext_noop("Onward ticket or route"),
)
