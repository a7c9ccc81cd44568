"""Key custody: in production the master keys never sit with the data they protect.

A seized data directory, database or backup must hold nothing that decrypts it (DESIGN's
threat model). So production (``ENLIST_ENV=production``) refuses to start, with one line
naming the variable, unless each master key

- ``ENLIST_FIELD_KEY`` (the KEK ring that wraps every volunteer's data key),
- ``ENLIST_INDEX_KEY`` (the blind-index HMAC key),
- ``ENLIST_AUDIT_SIGNING_KEY`` (the Ed25519 checkpoint key)

is given explicitly (the value itself, e.g. a systemd credential, or ``NAME_FILE``), and a
``NAME_FILE`` lies outside ``ENLIST_DATA_DIR`` and outside the SQLite database's directory.
The development fallback (files generated under ``ENLIST_DATA_DIR/keys``) is never read in
production. An external KMS plugs in behind ``vault/envelope.py: KeyEncryptionKeys`` instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

MASTER_KEYS = ("ENLIST_FIELD_KEY", "ENLIST_INDEX_KEY", "ENLIST_AUDIT_SIGNING_KEY")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_key_custody(
    *, environ: Mapping[str, str], data_dirs: Iterable[Path], names: Iterable[str] = MASTER_KEYS
) -> None:
    """Raise ImproperlyConfigured (one line) when a master key is missing or beside the data."""
    folders = [Path(os.path.realpath(folder)) for folder in data_dirs]
    for name in names:
        file_name = environ.get(f"{name}_FILE")
        if not file_name:
            if environ.get(name):
                continue
            raise ImproperlyConfigured(
                f"{name} (or {name}_FILE) is required in production: keys are never read "
                "from the data directory"
            )
        path = Path(os.path.realpath(file_name))
        for folder in folders:
            if _inside(path, folder):
                raise ImproperlyConfigured(
                    f"{name}_FILE is inside {folder}: keep production keys on a separate mount "
                    "(or in a KMS), never with the data or the database they protect"
                )
