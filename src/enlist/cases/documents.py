"""What an uploaded document is, by its content: pure, no Django.

The type a browser declares and the name's extension are the sender's word; the first bytes
of the file (its signature: ``%PDF``, JPEG's ``FF D8 FF``, PNG's ``89 50 4E 47``, WebP's
``RIFF....WEBP``, HEIC's ``ftypheic`` box) are what a viewer will act on. ``document_type``
reads the signature with the ``filetype`` library; ``document_add`` stores that type, refuses
content of any other kind, and refuses a file whose declared type or extension names another
accepted type than its content (a PNG sent as ``scan.pdf``).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

import filetype

ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/webp": "WebP",
}
# filetype looks at no more than this many leading bytes
SIGNATURE_BYTES = 8192


@dataclass(frozen=True)
class Sniffed:
    content_type: str | None  # an accepted type, or None
    problem: str | None  # why the file is refused, or None


def document_type(head: bytes, *, declared: str | None, name: str | None) -> Sniffed:
    """The accepted type of a document whose content starts with `head`, or the problem."""
    found = filetype.guess_mime(head) if head else None
    *first, last = ACCEPTED_TYPES.values()
    accepted = f"{', '.join(first)} or {last}"
    if found not in ACCEPTED_TYPES:
        return Sniffed(None, f"The file's content is not a {accepted} file.")
    claims = {(declared or "").split(";")[0].strip().lower(), _by_name(name)}
    other = sorted(claim for claim in claims if claim in ACCEPTED_TYPES and claim != found)
    if other:
        return Sniffed(
            None,
            f"The file's content is {ACCEPTED_TYPES[found]}, but it was sent as "
            f"{ACCEPTED_TYPES[other[0]]}: send the file as it is.",
        )
    return Sniffed(found, None)


def _by_name(name: str | None) -> str:
    return mimetypes.guess_type(name or "")[0] or ""
