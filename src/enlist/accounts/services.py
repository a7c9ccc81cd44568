"""Staff accounts: creation, API tokens, second factors and sessions (CLI, sign-in, admin, demo).

Second factors: passkeys (WebAuthn, ``passkey_*``), authenticator apps (TOTP, the secret
sealed by the vault, ``totp_*``) and one-time recovery codes (``recovery_code*``). Adding or
removing one, and using a recovery code, is audited (``permission_change``, target the staff
account, ``detail.change`` naming what) in the same transaction and told to the user by email
once it commits: whoever else did it, the owner hears of it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enlist.accounts import passkeys
from enlist.accounts.events import security_changed
from enlist.accounts.models import (
    ApiToken,
    Passkey,
    RecoveryCode,
    RecoveryDevice,
    SealedTotpDevice,
    StaffSession,
    StaffUser,
    token_digest,
)
from enlist.accounts.passkeys import PasskeyRefused, RelyingParty, StoredCredential
from enlist.accounts.roles import Role, passkey_required, requires_mission
from enlist.errors import FieldError, InvalidInput, NotFound
from enlist.missions.models import Mission
from enlist.vault.models import DataKey
from enlist.vault.services import data_key_create

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
PASSKEY_NAME_MAX = 64


@transaction.atomic
def staff_add(
    *,
    username: str,
    role: str,
    mission_code: str | None = None,
    password: str | None = None,
    check_password_strength: bool = True,
) -> StaffUser:
    """Create a staff account; mission roles must name their mission, other roles must not."""
    errors = []
    try:
        staff_role = Role(role)
    except ValueError:
        staff_role = None
        errors.append(FieldError("role", f"Choose one of: {', '.join(r.value for r in Role)}."))
    mission = None
    if staff_role is not None and requires_mission(staff_role):
        if not mission_code:
            errors.append(FieldError("mission", f"The role '{role}' works at one mission."))
        else:
            mission = Mission.objects.filter(code=mission_code).first()
            if mission is None:
                errors.append(FieldError("mission", "Unknown mission code."))
    elif mission_code:
        errors.append(FieldError("mission", f"The role '{role}' is not bound to a mission."))
    if not username or StaffUser.objects.filter(username=username).exists():
        errors.append(FieldError("username", "This username is empty or already taken."))
    user = StaffUser(
        username=username,
        role=staff_role.value if staff_role else "",
        mission=mission,
        is_staff=staff_role == Role.ADMIN,
        is_superuser=staff_role == Role.ADMIN,
    )
    if password and check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.extend(FieldError("password", message) for message in exc.messages)
    if errors:
        raise InvalidInput(errors)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def staff_token_create(*, user: StaffUser, label: str = "") -> str:
    """Issue a new API token; the raw value is returned once and only its digest is kept."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, digest=token_digest(raw), label=label)
    return raw


def staff_language_set(*, user: StaffUser, language: str) -> None:
    """Write every email to `user` from now on in `language`, one of settings.LANGUAGES.
    A preference, not a permission: not audited (``audit/signals.py`` audits those)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise InvalidInput([FieldError("language", "Choose one of the languages offered.")])
    user.language = language
    user.save(update_fields=["language"])


# --- notices and audit of second-factor changes --------------------------------------------

_NOTICES = {
    "passkey_add": gettext_noop("A passkey was added to your Enlist account."),
    "passkey_remove": gettext_noop("A passkey was removed from your Enlist account."),
    "totp_add": gettext_noop("An authenticator app was set up for your Enlist account."),
    "totp_remove": gettext_noop("The authenticator app of your Enlist account was removed."),
    "recovery_codes_new": gettext_noop(
        "New recovery codes were made for your Enlist account; the old ones no longer work."
    ),
    "recovery_code_used": gettext_noop(
        "A recovery code was used to sign in to your Enlist account."
    ),
}


def _notify(user: StaffUser, change: str) -> None:
    """Queue the notice to the account's owner (if they have an address): the worker sends
    it once this transaction commits, with retries; the change is never undone by mail."""
    from enlist.jobs.services import job_enqueue

    if not user.email:
        return
    job_enqueue(
        kind="mail.security_notice",
        payload={"user": user.pk, "change": change, "at": timezone.now().isoformat()},
    )


def security_notice_send(*, user_id: int, change: str, at: str) -> bool:
    """Send one security notice (a job): once per user, change and moment."""
    from enlist.jobs.mail import mail_send_once

    user = StaffUser.objects.filter(pk=user_id).first()
    if user is None or not user.email or change not in _NOTICES:
        return False
    when = datetime.fromisoformat(at)
    with translation.override(user.mail_language):
        body = "\n\n".join(
            [
                _(_NOTICES[change]),
                _("When: %(when)s (UTC).") % {"when": when.strftime("%Y-%m-%d %H:%M")},
                _(
                    "If this was not you, tell your security officer now: your password and "
                    "second factor may be in someone else's hands."
                ),
            ]
        )
        subject = _("Enlist: security notice")
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    return mail_send_once(message, key=f"security-notice:{user.pk}:{change}:{at}")


def _factor_changed(
    *, user: StaffUser, actor: StaffUser | None, change: str, **detail: Any
) -> None:
    security_changed.send(sender=StaffUser, user=user, actor=actor, change=change, detail=detail)
    _notify(user, change)


# --- authenticator apps (TOTP) -------------------------------------------------------------


def totp_device_confirmed(*, user: StaffUser) -> SealedTotpDevice | None:
    """The user's confirmed authenticator, if they have enrolled one."""
    return SealedTotpDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _totp_new(
    *, user: StaffUser, key_hex: str | None, confirmed: bool, name: str
) -> SealedTotpDevice:
    device = SealedTotpDevice(user=user, name=name, confirmed=confirmed, data_key=data_key_create())
    device.secret = key_hex if key_hex is not None else secrets.token_hex(20)
    bytes.fromhex(device.secret)  # a malformed key fails here, not at the first code
    device.save()
    return device


@transaction.atomic
def totp_enrolment_start(*, user: StaffUser) -> SealedTotpDevice:
    """The unconfirmed device a user is enrolling: the same one on every reload of the page
    (so the QR code they scanned stays valid), a new one only if none is pending."""
    pending = (
        SealedTotpDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if pending is not None:
        return pending
    return _totp_new(user=user, key_hex=None, confirmed=False, name="authenticator")


def _delete_totp(devices: QuerySet[SealedTotpDevice]) -> int:
    keys = list(devices.values_list("data_key_id", flat=True))
    deleted, _ = devices.delete()
    DataKey.objects.filter(pk__in=keys).delete()  # the wrapped key goes with the device
    return len(keys)


@transaction.atomic
def totp_enrolment_confirm(*, device: SealedTotpDevice, code: str) -> SealedTotpDevice | None:
    """Confirm a pending device with its first code and return it; None (nothing changed but
    the throttle) when the code is wrong. The code counts as used: it cannot sign in.
    Audited and notified."""
    locked = (
        SealedTotpDevice.objects.select_for_update()
        .select_related("user", "data_key")
        .filter(pk=device.pk, confirmed=False)
        .first()
    )
    if locked is None or not locked.verify_token(code):
        return None
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    _delete_totp(SealedTotpDevice.objects.filter(user_id=locked.user_id, confirmed=False))
    _factor_changed(user=locked.user, actor=locked.user, change="totp_add")
    return locked


@transaction.atomic
def totp_device_add_confirmed(
    *, user: StaffUser, key_hex: str | None = None, name: str = "authenticator"
) -> SealedTotpDevice:
    """A ready device (a fresh random secret unless `key_hex` is given), for accounts whose
    secret is handed over directly (the demo's logins) instead of enrolled at first sign-in."""
    return _totp_new(user=user, key_hex=key_hex, confirmed=True, name=name)


@transaction.atomic
def totp_reset(*, user: StaffUser, actor: StaffUser | None = None) -> int:
    """Remove every authenticator of the user (a lost phone): they enrol again at their next
    sign-in. Returns how many devices were removed; audited and notified when any was."""
    removed = _delete_totp(SealedTotpDevice.objects.filter(user=user))
    if removed:
        _factor_changed(user=user, actor=actor, change="totp_remove", count=removed)
    return removed


# --- passkeys (WebAuthn) -------------------------------------------------------------------


def relying_party() -> RelyingParty:
    return RelyingParty(
        id=settings.ENLIST_WEBAUTHN_RP_ID,
        name=settings.ENLIST_WEBAUTHN_RP_NAME,
        origin=settings.ENLIST_WEBAUTHN_ORIGIN,
    )


def passkeys_of(*, user: StaffUser) -> list[Passkey]:
    return list(Passkey.objects.filter(user=user, confirmed=True).order_by("created_at", "pk"))


def passkey_needed(*, user: StaffUser) -> bool:
    """The user must sign in with a passkey: their role requires it and they have one."""
    return (
        passkey_required(user.role) and Passkey.objects.filter(user=user, confirmed=True).exists()
    )


def _stored(user: StaffUser) -> list[StoredCredential]:
    return [
        StoredCredential(bytes(p.credential_id), tuple(p.transports))
        for p in passkeys_of(user=user)
    ]


def passkey_registration_options(*, user: StaffUser) -> tuple[dict, bytes]:
    """Options for the browser to create a credential (JSON) and the challenge to keep."""
    handle = salted_hmac("enlist.accounts.passkey-user", str(user.pk)).digest()[:32]
    return passkeys.registration_options(
        relying_party(), user_handle=handle, username=user.get_username(), existing=_stored(user)
    )


def passkey_authentication_options(*, user: StaffUser) -> tuple[dict, bytes]:
    return passkeys.authentication_options(relying_party(), credentials=_stored(user))


@transaction.atomic
def passkey_add(*, user: StaffUser, response: str, challenge: bytes, name: str) -> Passkey:
    """Store the credential the browser created for `challenge`. Raises InvalidInput (field
    ``name`` or ``credential``); audited and notified."""
    name = name.strip()
    if not name or len(name) > PASSKEY_NAME_MAX:
        raise InvalidInput(
            [
                FieldError(
                    "name",
                    _("Give the key a name of 1 to %(max)d characters.")
                    % {"max": PASSKEY_NAME_MAX},
                )
            ]
        )
    try:
        new = passkeys.registration_verify(relying_party(), response=response, challenge=challenge)
    except PasskeyRefused as exc:
        logger.info("passkey registration refused for staff %s: %s", user.pk, exc)
        raise InvalidInput(
            [FieldError("credential", _("The key's answer could not be verified. Try again."))]
        ) from None
    if Passkey.objects.filter(credential_id=new.credential_id).exists():
        raise InvalidInput([FieldError("credential", _("This key is already enrolled."))])
    passkey = Passkey.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
        transports=list(new.transports),
        aaguid=new.aaguid,
    )
    _factor_changed(user=user, actor=user, change="passkey_add", passkey=str(passkey.uid))
    return passkey


@transaction.atomic
def passkey_verify(*, user: StaffUser, response: str, challenge: bytes) -> Passkey:
    """The user's passkey that signed `challenge`, its counter moved on; PasskeyRefused for a
    wrong origin, challenge, signature, a counter that did not grow or another user's key."""
    credential_id = passkeys.assertion_credential_id(response)
    passkey = (
        Passkey.objects.select_for_update()
        .filter(user=user, confirmed=True, credential_id=credential_id)
        .first()
    )
    if passkey is None:
        raise PasskeyRefused("not a passkey of this user")
    passkey.sign_count = passkeys.assertion_verify(
        relying_party(),
        response=response,
        challenge=challenge,
        public_key=bytes(passkey.public_key),
        sign_count=passkey.sign_count,
    )
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey


@transaction.atomic
def passkey_remove(*, user: StaffUser, actor: StaffUser, passkey_uid: uuid.UUID | str) -> None:
    """Remove one of the user's passkeys (NotFound for any other). Audited and notified."""
    try:
        uid = uuid.UUID(str(passkey_uid))
    except ValueError:
        raise NotFound() from None
    passkey = Passkey.objects.select_for_update().filter(user=user, uid=uid).first()
    if passkey is None:
        raise NotFound()
    passkey.delete()
    _factor_changed(user=user, actor=actor, change="passkey_remove", passkey=str(uid))


# --- recovery codes ------------------------------------------------------------------------

_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def _normal_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _code_digest(code: str) -> str:
    return hashlib.sha256(_normal_code(code).encode("ascii", "ignore")).hexdigest()


def recovery_codes_count(*, user: StaffUser) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


@transaction.atomic
def recovery_codes_generate(*, user: StaffUser, actor: StaffUser) -> list[str]:
    """New one-time codes for `user`, replacing any earlier ones. Returned once, stored as
    SHA-256 only (16 characters of a 31-letter alphabet: 79 random bits each). Audited and
    notified."""
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [
        "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=_code_digest(c)) for c in codes
    )
    _factor_changed(user=user, actor=actor, change="recovery_codes_new", count=len(codes))
    return codes


@transaction.atomic
def recovery_code_use(*, user: StaffUser, code: str) -> RecoveryDevice | None:
    """Use one of the user's unused codes up; its device (to sign the session in) or None.
    Audited and notified."""
    found = (
        RecoveryCode.objects.select_for_update()
        .select_related("device")
        .filter(device__user=user, digest=_code_digest(code), used_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    _factor_changed(user=user, actor=user, change="recovery_code_used", via="web")
    return found.device


# --- sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    uid: uuid.UUID
    device: str
    address: str | None
    created_at: datetime
    last_seen_at: datetime
    current: bool


def staff_session_record(
    *, user: StaffUser, session_key: str, device: str, address: str | None
) -> None:
    """Remember a session that just signed in (after ``login()`` renewed its key)."""
    StaffSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "device": device[:100],
            "address": address,
            "last_seen_at": timezone.now(),
        },
    )


def staff_session_touch(*, session_key: str) -> None:
    StaffSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def staff_session_forget(*, session_key: str) -> None:
    StaffSession.objects.filter(session_key=session_key).delete()


def staff_sessions(*, user: StaffUser, current_key: str | None) -> list[SessionRow]:
    """The user's signed-in sessions, newest activity first. Ended or expired ones are
    dropped on the way, and so are those idle past ``ENLIST_IDLE_MINUTES``: their next
    request would sign them out, so their Django session is deleted now."""
    now = timezone.now()
    idle_since = now - timedelta(minutes=settings.ENLIST_IDLE_MINUTES)
    rows = list(StaffSession.objects.filter(user=user))
    idle = [
        r.session_key for r in rows if r.last_seen_at < idle_since and r.session_key != current_key
    ]
    if idle:
        Session.objects.filter(session_key__in=idle).delete()
    alive = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=now
        ).values_list("session_key", flat=True)
    )
    gone = [r.pk for r in rows if r.session_key not in alive]
    if gone:
        StaffSession.objects.filter(pk__in=gone).delete()
    return [
        SessionRow(
            r.uid, r.device, r.address, r.created_at, r.last_seen_at, r.session_key == current_key
        )
        for r in rows
        if r.session_key in alive
    ]


@transaction.atomic
def staff_session_end(
    *, user: StaffUser, session_uid: uuid.UUID | str, current_key: str | None
) -> None:
    """End another session of `user`: its Django session is deleted, so its cookie signs
    nobody in any more. NotFound for a session of someone else, or for the current one (use
    sign-out)."""
    try:
        uid = uuid.UUID(str(session_uid))
    except ValueError:
        raise NotFound() from None
    row = StaffSession.objects.select_for_update().filter(user=user, uid=uid).first()
    if row is None or row.session_key == current_key:
        raise NotFound()
    Session.objects.filter(session_key=row.session_key).delete()
    row.delete()
    security_changed.send(
        sender=StaffUser, user=user, actor=user, change="session_end", detail={"via": "web"}
    )
