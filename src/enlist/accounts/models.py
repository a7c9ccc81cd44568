"""Staff accounts and their API tokens. Applicants have no account."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from enlist.accounts.roles import MISSION_ROLES, Role

# Sorted: a set's order changes from run to run, and the constraint below must not.
_MISSION_ROLE_VALUES = sorted(r.value for r in MISSION_ROLES)

TOKEN_PREFIX = "enl_"  # noqa: S105  (a prefix that makes leaked tokens greppable)  # nosec B105  # a public token prefix, not a secret


class StaffUser(AbstractUser):
    """A member of staff; their role and (for mission roles) their mission bound their scope."""

    role = models.CharField(max_length=16, choices=[(r.value, r.label) for r in Role])
    mission = models.ForeignKey(
        "missions.Mission", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )

    class Meta:
        verbose_name = "staff user"
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


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a database copy grants no access."""

    user = models.ForeignKey(StaffUser, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token #{self.pk} of {self.user}"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
