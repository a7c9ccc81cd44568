"""The progress bar of the long commands and runs (retention, rematch, the demo build, the
audit chain's verification, key rotation, an import), and the two options that choose it.

One rule for all of them: the bar goes to stderr, so stdout stays the command's answer; with
``progress`` None it is drawn only when stderr is a terminal (a cron job's log gets none),
True always, False never; it is cleared when done.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tqdm import tqdm


def progress_bar(
    *, total: int | None, unit: str, desc: str, progress: bool | None, **options: Any
) -> tqdm:
    """A bar of ``total`` ``unit`` steps; ``options`` go to tqdm as they are (``smoothing``)."""
    return tqdm(
        total=total,
        unit=unit,
        desc=desc,
        file=sys.stderr,
        disable=None if progress is None else not progress,
        leave=False,
        **options,
    )


def progress_arguments(parser: argparse.ArgumentParser) -> None:
    """``--progress`` / ``--no-progress`` into ``progress``: None when neither is given."""
    parser.add_argument(
        "--progress",
        action="store_true",
        default=None,
        help="Always show the progress bar on stderr (default: only on a terminal).",
    )
    parser.add_argument(
        "--no-progress", dest="progress", action="store_false", help="Never show the progress bar."
    )
