"""A software WebAuthn authenticator for the tests: what a security key and the browser do.

It holds ES256 (P-256) keys, answers ``navigator.credentials.create`` with attestation "none"
and ``navigator.credentials.get`` with a signed assertion, both as the JSON a browser's
``PublicKeyCredential.toJSON()`` gives (which ``static/accounts/passkey.js`` also builds).
Real bytes that py_webauthn verifies: client data, authenticator data (RP id hash, flags,
signature counter, attested credential data with a COSE key), CBOR, DER signatures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP = 0x01  # user present
FLAG_UV = 0x04  # user verified
FLAG_AT = 0x40  # attested credential data included
_OPTIONS = re.compile(r'<script id="webauthn-options" type="application/json">(.*?)</script>', re.S)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def options_in(html: str) -> dict:
    """The WebAuthn options a page hands to passkey.js (its JSON data block)."""
    match = _OPTIONS.search(html)
    assert match, "the page carries no WebAuthn options"
    return json.loads(match.group(1))


@dataclass
class Credential:
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    sign_count: int = 0


@dataclass
class SoftwareAuthenticator:
    """One authenticator; `origin` is where the "browser" says the request came from."""

    origin: str
    credentials: list[Credential] = field(default_factory=list)

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            },
            separators=(",", ":"),
        ).encode()

    def create(self, options: dict, *, origin: str | None = None) -> str:
        """The attestation response (JSON text) to registration `options`."""
        rp_id = options["rp"]["id"]
        credential = Credential(os.urandom(32), ec.generate_private_key(ec.SECP256R1()), rp_id)
        numbers = credential.private_key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([FLAG_UP | FLAG_UV | FLAG_AT])
            + struct.pack(">I", credential.sign_count)
            + bytes(16)  # AAGUID: none
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + cose_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        self.credentials.append(credential)
        return json.dumps(
            {
                "id": b64url(credential.credential_id),
                "rawId": b64url(credential.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "attestationObject": b64url(attestation),
                    "transports": ["usb"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(
        self,
        options: dict,
        *,
        origin: str | None = None,
        credential: Credential | None = None,
        count: int | None = None,
    ) -> str:
        """The assertion (JSON text) for authentication `options`: the first allowed
        credential signs; its counter goes up by one unless `count` says what to send."""
        if credential is None:
            allowed = {unb64url(c["id"]) for c in options.get("allowCredentials", [])}
            credential = next(c for c in self.credentials if c.credential_id in allowed)
        credential.sign_count = credential.sign_count + 1 if count is None else count
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest()
            + bytes([FLAG_UP | FLAG_UV])
            + struct.pack(">I", credential.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = credential.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": b64url(credential.credential_id),
                "rawId": b64url(credential.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature),
                    "userHandle": None,
                },
                "clientExtensionResults": {},
            }
        )
