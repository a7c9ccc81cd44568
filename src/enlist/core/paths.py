"""What of a URL path may be written to a log (pure: no Django).

A path carries opaque ids (UUIDs, numbers, mission codes), never personal values; but a
signed link carries its token in the path (``/my-data/<token>/``), and whoever reads the log
could open the link. ``masked_path`` replaces every segment that could be such a token or a
code: a value the URL resolver named as secret, and any segment that is not a plain id
(characters other than letters, digits, ``_ . -``; longer than 40 characters; or shaped like
a check-in code). So a path that did not resolve (a 404, an error raised before the view)
is masked as well as one that did.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = ":token"
# Opaque ids: UUIDs (36), numbers, slugs and mission codes. Django's signed tokens hold ":",
# and are longer; anything non-ASCII is no id of ours.
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_.-]{0,40}")
# A travel check-in code (travel/codes.py), even when someone puts it in a URL by mistake.
_CODE_SEGMENT = re.compile(r"(?:[A-Za-z0-9]{4}-){4}[A-Za-z0-9]{4}")


def masked_path(path: str, secrets: Iterable[str] = ()) -> str:
    """`path` with each of `secrets` (resolved URL parameters holding a token) and every
    segment that is not a plain id replaced by ``:token``."""
    for secret in secrets:
        if secret:
            path = path.replace(secret, MASK)
    return "/".join(
        segment
        if segment == MASK
        or (_PLAIN_SEGMENT.fullmatch(segment) and not _CODE_SEGMENT.fullmatch(segment))
        else MASK
        for segment in path.split("/")
    )
