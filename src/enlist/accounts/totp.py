"""TOTP secrets as people handle them: base32 text, an otpauth:// QR code, the current code.

No Django here: django-otp's RFC 4226 arithmetic (``django_otp.oath``, plain Python) and the
``qrcode`` package are enough. The secret lives sealed in ``SealedTotpDevice.secret`` (hex,
``accounts/models.py``); its otpauth:// URI is built by ``views.device_config_url``; these
helpers only present it.
"""

from __future__ import annotations

import base64
import time

import qrcode
import qrcode.image.svg
from django_otp.oath import hotp

STEP_SECONDS = 30
DIGITS = 6


def base32_secret(hex_key: str) -> str:
    """The secret as authenticator apps take it by hand (RFC 4648 base32, no padding)."""
    return base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")


def hex_key(secret: str) -> str:
    """A base32 secret back to the hex key django-otp stores."""
    padded = secret.replace(" ", "").upper()
    return base64.b32decode(padded + "=" * (-len(padded) % 8)).hex()


def grouped(secret: str, size: int = 4) -> str:
    """`JBSW Y3DP …`: easier to copy by hand; apps ignore the spaces."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def qr_svg(data: str) -> str:
    """`data` as an inline SVG QR code: one <path>, no style attribute, no script."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    return image.to_string(encoding="unicode")


def current_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows now for a base32 `secret` (demo and tests)."""
    key = bytes.fromhex(hex_key(secret))
    counter = int((time.time() if at is None else at) // STEP_SECONDS)
    return f"{hotp(key, counter, DIGITS):0{DIGITS}d}"
