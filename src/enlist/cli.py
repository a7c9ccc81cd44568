"""The `enlist` command: Django's management commands under Enlist's settings.

`enlist serve`, `enlist demo`, `enlist staff add|token` and the rest are management commands
in the apps (``*/management/commands``); this entry point only selects the settings.
"""

from __future__ import annotations

import contextlib
import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlist.settings")
    _catalogs_compile()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["enlist", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A setting missing or malformed (settings.py says which): one line, not a traceback.
        sys.stderr.write(f"enlist: configuration error: {exc}\n")
        sys.exit(2)


def _catalogs_compile() -> None:
    """The setup compiles the translation catalogs; an install that skipped it (a bare
    `pip install -e .`) gets them here, before any page is served. Only stale ones are
    written; a read-only installation (a built wheel ships them) is left as it is."""
    from enlist.core.catalogs import compile_catalogs

    with contextlib.suppress(OSError):
        compile_catalogs()


if __name__ == "__main__":
    main()
