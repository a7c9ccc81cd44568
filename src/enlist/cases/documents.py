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


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogs (no Django here); the public form translates it."""
    return message


# A refused document, by code: the sentence a page translates, its values in `params`.
REFUSALS = {
    "not_accepted": gettext_noop("The file's content is not one of these types: %(accepted)s."),
    "sent_as_other": gettext_noop(
        "The file's content is %(found)s, but it was sent as %(claimed)s: send the file as it is."
    ),
    "empty": gettext_noop("The file is empty."),
    "too_large": gettext_noop("The file is larger than %(limit)s MB."),
}


@dataclass(frozen=True)
class Sniffed:
    content_type: str | None  # an accepted type, or None
    problem: str | None  # why the file is refused (English), or None
    code: str | None = None  # the problem's key in REFUSALS
    params: tuple[tuple[str, str], ...] = ()


def document_type(head: bytes, *, declared: str | None, name: str | None) -> Sniffed:
    """The accepted type of a document whose content starts with `head`, or the problem."""
    found = filetype.guess_mime(head) if head else None
    *first, last = ACCEPTED_TYPES.values()
    accepted = f"{', '.join(first)} or {last}"
    if found not in ACCEPTED_TYPES:
        listed = (("accepted", ", ".join(ACCEPTED_TYPES.values())),)
        problem = f"The file's content is not a {accepted} file."
        return Sniffed(None, problem, "not_accepted", listed)
    claims = {(declared or "").split(";")[0].strip().lower(), _by_name(name)}
    other = sorted(claim for claim in claims if claim in ACCEPTED_TYPES and claim != found)
    if other:
        params = (("found", ACCEPTED_TYPES[found]), ("claimed", ACCEPTED_TYPES[other[0]]))
        return Sniffed(None, REFUSALS["sent_as_other"] % dict(params), "sent_as_other", params)
    return Sniffed(found, None)


def _by_name(name: str | None) -> str:
    return mimetypes.guess_type(name or "")[0] or ""
