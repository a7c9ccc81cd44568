"""Staff accounts: creation, API tokens and the TOTP second factor (CLI, login, admin, demo)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlist.accounts.models import ApiToken, StaffUser, token_digest
from enlist.accounts.roles import Role, requires_mission
from enlist.errors import FieldError, InvalidInput
from enlist.missions.models import Mission


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


def totp_device_confirmed(*, user: StaffUser) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def totp_enrolment_start(*, user: StaffUser) -> TOTPDevice:
    """The unconfirmed device a user is enrolling: the same one on every reload of the page
    (so the QR code they scanned stays valid), a new one only if none is pending."""
    pending = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if pending is not None:
        return pending
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, device: TOTPDevice, code: str) -> TOTPDevice | None:
    """Confirm a pending device with its first code and return it; None (nothing changed but
    django-otp's throttle) when the code is wrong. The code counts as used: it cannot sign in."""
    locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False).first()
    if locked is None or not locked.verify_token(code):
        return None
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=locked.user_id, confirmed=False).delete()
    return locked


@transaction.atomic
def totp_device_add_confirmed(
    *, user: StaffUser, key_hex: str | None = None, name: str = "authenticator"
) -> TOTPDevice:
    """A ready device (a fresh random secret unless `key_hex` is given), for accounts whose
    secret is handed over directly (the demo's logins) instead of enrolled at first sign-in."""
    device = TOTPDevice(user=user, name=name, confirmed=True)
    if key_hex is not None:
        device.key = key_hex
    device.full_clean(exclude=["user"])
    device.save()
    return device


@transaction.atomic
def totp_reset(*, user: StaffUser) -> int:
    """Remove every authenticator of the user (a lost phone): they enrol again at their next
    sign-in. Returns how many devices were removed."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted
