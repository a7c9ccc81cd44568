"""System check: production must be given the checkpoint signing key (it is never generated)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from enlist.audit import keys


@register(Tags.security)
def signing_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.ENLIST_GENERATE_KEYS:
        return []  # development: generated under ENLIST_KEY_DIR on first use
    try:
        keys.signing_key()
    except ImproperlyConfigured as exc:
        return [
            Error(
                f"The audit checkpoint signing key is missing or malformed: {exc}",
                hint="Set ENLIST_AUDIT_SIGNING_KEY or ENLIST_AUDIT_SIGNING_KEY_FILE "
                "(one 'id:base64' line per Ed25519 private key, see README).",
                id="enlist.audit.E001",
            )
        ]
    return []
