"""Staff accounts, their API tokens, second factors and sessions. Applicants have no account."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_otp.oath import TOTP

from enlist.accounts.roles import MISSION_ROLES, Role
from enlist.accounts.totp import DIGITS, STEP_SECONDS
from enlist.vault.fields import EncryptedField, KeyBinding

# Sorted: a set's order changes from run to run, and the constraint below must not.
_MISSION_ROLE_VALUES = sorted(r.value for r in MISSION_ROLES)

TOKEN_PREFIX = "enl_"  # noqa: S105  (a prefix that makes leaked tokens greppable)  # nosec B105  # a public token prefix, not a secret


def staff_language_default() -> str:
    return settings.LANGUAGE_CODE


class StaffUser(AbstractUser):
    """A member of staff; their role and (for mission roles) their mission bound their scope.
    Every email to them is written in `language` (their choice on their account page)."""

    # The labels are marked in roles.py; translated here when shown (the admin's list and form).
    role = models.CharField(_("role"), max_length=16, choices=[(r.value, _(r.label)) for r in Role])
    mission = models.ForeignKey(
        "missions.Mission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("mission"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=staff_language_default,
        help_text=_("The language of the emails Enlist sends to this account."),
    )

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")
        constraints = [
            models.CheckConstraint(
                name="staff_mission_iff_mission_role",
                condition=(
                    models.Q(role__in=_MISSION_ROLE_VALUES, mission__isnull=False)
                    | (~models.Q(role__in=_MISSION_ROLE_VALUES) & models.Q(mission__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="staff_role_known", condition=models.Q(role__in=[r.value for r in Role])
            ),
        ]

    @property
    def staff_role(self) -> Role:
        return Role(self.role)

    @property
    def mail_language(self) -> str:
        """The language to write to this account in (the site's default if theirs is gone)."""
        offered = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in offered else settings.LANGUAGE_CODE


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a database copy grants no access."""

    user = models.ForeignKey(
        StaffUser,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("staff user"),
    )
    digest = models.CharField(_("digest (SHA-256)"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return gettext("token #%(id)s of %(user)s") % {"id": self.pk, "user": self.user}

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


# --- second factors ------------------------------------------------------------------------
# Each is a django-otp ``Device``: whichever one a session passed is what ``is_verified()``
# checks on every request (``django_otp.middleware.OTPMiddleware``).


class SealedTotpDevice(ThrottlingMixin, Device):
    """An authenticator app (RFC 6238 TOTP). The secret is sealed by the vault with a data key
    of the device's own, so a copy of the database holds no secret that makes codes.

    ``last_t``: the time step of the latest accepted code; a code is accepted once, and only
    if its step is later (a replayed or older code is refused).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_key = models.OneToOneField(
        "vault.DataKey", on_delete=models.PROTECT, related_name="totp_device"
    )
    secret = EncryptedField()  # the key as hex text (20 random bytes)
    last_t = models.BigIntegerField(default=-1)
    created_at = models.DateTimeField(default=timezone.now)

    vault_binding = KeyBinding(key="data_key", row="uid")

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    def get_throttle_factor(self) -> int:
        # seconds of wait doubling with each failure (django-otp's setting for its TOTP)
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.secret)

    def verify_token(self, token: str) -> bool:
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            value = int(token)
        except (TypeError, ValueError):
            value = None
        verified = False
        if value is not None:
            totp = TOTP(self.bin_key, STEP_SECONDS, 0, DIGITS, 0)
            totp.time = time.time()
            verified = bool(totp.verify(value, 1, self.last_t + 1))
        if verified:
            self.last_t = totp.t()
            self.throttle_reset(commit=False)
            self.save(
                update_fields=["last_t", "throttling_failure_timestamp", "throttling_failure_count"]
            )
        else:
            self.throttle_increment(commit=True)
        return verified


class Passkey(Device):
    """A WebAuthn credential (a security key, or a passkey in a phone or laptop).

    Only public material is kept: the credential id, its COSE public key and signature
    counter. ``name`` (from ``Device``) is the name its owner gave it. An assertion whose
    counter does not grow (a cloned authenticator) is refused (``accounts/passkeys.py``).
    """

    # Device's own two fields as django-otp declares them, with the names the admin shows.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        help_text=_("The staff user this passkey belongs to."),
        on_delete=models.CASCADE,
        verbose_name=_("staff user"),
    )
    name = models.CharField(
        _("name"), max_length=64, help_text=_("The name its owner gave this passkey.")
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential_id = models.BinaryField(max_length=1023)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)
    transports = models.JSONField(default=list, blank=True)
    aaguid = models.CharField(max_length=36, blank=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        constraints = [
            # one account per credential: sign-in looks it up by id (passkey_verify)
            models.UniqueConstraint(fields=["credential_id"], name="passkey_credential_unique"),
        ]

    def verify_token(self, token: str) -> bool:
        return False  # a passkey answers a challenge (passkey_verify), never a typed code


class RecoveryDevice(Device):
    """A user's one-time recovery codes, as one second factor (each code signs in once)."""

    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def verify_token(self, token: str) -> bool:
        return False  # codes are used up through recovery_code_use (accounts/services.py)


class RecoveryCode(models.Model):
    """One recovery code: only its SHA-256 is kept (80 random bits: no dictionary to try)."""

    device = models.ForeignKey(RecoveryDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code #{self.pk}"


class StaffSession(models.Model):
    """A signed-in staff session, so that its user sees it and can end it from another one.

    Keyed by Django's session key (never shown: pages name a session by ``uid``); ending one
    deletes the Django session itself. ``address`` is the client address as the lockout sees
    it; ``device`` a short browser and system label read from the User-Agent.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(StaffUser, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    device = models.CharField(max_length=100, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"session {self.uid} of {self.user_id}"
