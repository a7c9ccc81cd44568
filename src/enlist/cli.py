"""The `enlist` command: Django's management commands under Enlist's settings.

`enlist serve`, `enlist demo`, `enlist staff add|token` and the rest are management commands
in the apps (``*/management/commands``); this entry point only selects the settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlist.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["enlist", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A setting missing or malformed (settings.py says which): one line, not a traceback.
        sys.stderr.write(f"enlist: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
