"""Signed, expiring links for applicants: the one way details reach them by email.

An email carries only a link; the link carries only a signed token (purpose-bound, so a token
made for one page is refused by every other); the page behind it shows the details. Tokens
hold identifiers, never personal values. A link that must also be revocable or usable once
keeps that state in the owning app and puts its row id in the token.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from enlist.errors import EnlistError


class LinkInvalid(EnlistError):
    """The token is not one of ours, was made for another purpose, or was altered (410)."""

    status = 410


class LinkExpired(LinkInvalid):
    pass


def link_token(purpose: str, value: Any) -> str:
    """A URL-safe token carrying `value` (JSON-serialisable), bound to `purpose`."""
    return signing.dumps(value, salt=f"enlist.links.{purpose}", compress=True)


def link_value(purpose: str, token: str, *, max_age: timedelta) -> Any:
    """The value inside `token`, or LinkExpired / LinkInvalid with a message for the reader
    (in the active language: the page shows it)."""
    try:
        return signing.loads(token, salt=f"enlist.links.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired(_("This link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise LinkInvalid(_("This link is not valid. Check that it was copied whole.")) from None


def public_url(path: str) -> str:
    """An absolute URL for `path`, for use in email (no request to take the host from)."""
    return f"{settings.ENLIST_PUBLIC_URL}{path}"
