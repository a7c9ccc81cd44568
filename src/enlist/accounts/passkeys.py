"""WebAuthn (passkeys) as Enlist uses it, over py_webauthn. No Django here.

Guarantees, each enforced by ``webauthn.verify_*`` with the values given here:

- An attestation or assertion is accepted only for the challenge this server issued for it
  (callers keep the challenge server-side, single-use, with an expiry: ``accounts/step_up.py``),
  only from ``RelyingParty.origin`` and only for ``RelyingParty.id``: a look-alike site that
  phished the password gets an assertion for *its* origin, which is refused.
- The user must be present (a touch); user verification (PIN, biometrics) is preferred, not
  required, so plain security keys work.
- An assertion whose signature counter does not grow past the stored one is refused (a cloned
  authenticator, or a replay); authenticators that never count (always 0) are accepted.
- Registration asks for attestation "none": we trust the key the user holds, not its maker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

TIMEOUT_MS = 120_000
# What py_webauthn and the JSON reader raise on a browser's answer that is wrong, forged or
# malformed: every one of them is a refusal, never a server error.
_UNREADABLE = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


class PasskeyRefused(Exception):
    """The browser's answer does not verify (wrong origin, challenge, signature, counter...).

    The message is for logs and tests only: users are told that the key was not accepted.
    """


@dataclass(frozen=True)
class RelyingParty:
    id: str  # the domain the credentials are bound to, e.g. "enlist.example.org"
    name: str  # shown by the browser
    origin: str  # "https://enlist.example.org" (scheme, host and port, no path)


@dataclass(frozen=True)
class StoredCredential:
    credential_id: bytes
    transports: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewCredential:
    credential_id: bytes
    public_key: bytes
    sign_count: int
    transports: tuple[str, ...]
    aaguid: str


def _descriptors(credentials: list[StoredCredential]) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=c.credential_id,
            transports=[AuthenticatorTransport(t) for t in c.transports if t in known] or None,
        )
        for c in credentials
    ]


def registration_options(
    rp: RelyingParty,
    *,
    user_handle: bytes,
    username: str,
    existing: list[StoredCredential],
) -> tuple[dict[str, Any], bytes]:
    """Options for ``navigator.credentials.create`` (as JSON data) and their challenge."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_handle,
        user_name=username,
        user_display_name=username,
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(existing),  # the same key never enrols twice
    )
    return json.loads(options_to_json(options)), options.challenge


def _expected(rp: RelyingParty, challenge: bytes) -> dict[str, Any]:
    """What every answer must be bound to: the challenge issued, our RP id, our origin."""
    return {"expected_challenge": challenge, "expected_rp_id": rp.id, "expected_origin": rp.origin}


def registration_verify(rp: RelyingParty, *, response: str, challenge: bytes) -> NewCredential:
    """Check the browser's answer to ``registration_options``; raises PasskeyRefused."""
    try:
        verified = verify_registration_response(credential=response, **_expected(rp, challenge))
        transports = tuple(json.loads(response).get("response", {}).get("transports") or ())
    except _UNREADABLE as exc:
        raise PasskeyRefused(str(exc)) from None
    return NewCredential(
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=tuple(str(t) for t in transports)[:8],
        aaguid=verified.aaguid,
    )


def authentication_options(
    rp: RelyingParty, *, credentials: list[StoredCredential]
) -> tuple[dict[str, Any], bytes]:
    """Options for ``navigator.credentials.get`` (as JSON data) and their challenge."""
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(credentials),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return json.loads(options_to_json(options)), options.challenge


def assertion_credential_id(response: str) -> bytes:
    """Which credential the browser used (to find its stored key); raises PasskeyRefused."""
    try:
        return parse_authentication_credential_json(response).raw_id
    except _UNREADABLE as exc:
        raise PasskeyRefused(str(exc)) from None


def assertion_verify(
    rp: RelyingParty,
    *,
    response: str,
    challenge: bytes,
    public_key: bytes,
    sign_count: int,
) -> int:
    """Check an assertion against the stored key; the new counter, or PasskeyRefused."""
    try:
        verified = verify_authentication_response(
            credential=response,
            **_expected(rp, challenge),
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
        )
    except _UNREADABLE as exc:
        raise PasskeyRefused(str(exc)) from None
    return verified.new_sign_count


def b64url(data: bytes) -> str:
    return bytes_to_base64url(data)
