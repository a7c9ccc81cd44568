"""Staff accounts: creation and API tokens (used by the CLI, the admin and the demo)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

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
