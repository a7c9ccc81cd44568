"""EncryptedFileStorage: the one way an uploaded document reaches the disk.

Files are sealed whole with the field cipher, the storage name bound in as context, so a
file swapped for another on disk fails to open. Names are random (see ``cases.models``):
neither a volunteer's name nor the original file name ever appears in the uploads folder.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from enlist.vault.keyring import field_cipher


def _context(name: str) -> bytes:
    return f"file:{name}".encode()


class EncryptedFileStorage(FileSystemStorage):
    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        sealed = field_cipher().encrypt(content.read(), context=_context(name))
        return super()._save(name, ContentFile(sealed))

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode:
            raise ValueError("encrypted files are written through save(), not opened for writing")
        with super()._open(name, "rb") as handle:
            sealed = handle.read()
        return ContentFile(field_cipher().decrypt(sealed, context=_context(name)), name=name)
