"""Hourly case-view limits: each user's case views counted per hour; past the soft threshold of
their role they are flagged to auditors (a ``ViewAlert`` and an audit entry), past the hard
limit refused and blocked until ``enlist staff unblock`` (or the admin's action) clears it.

The need-to-know gate (``cases/gate.py: case_open_check``) charges every case it opens here;
the auditors' alerts page shows the limits (``workspace/audit_views.py``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.audit.models import AlertLevel, AuditAction, CaseViewCount, ViewAlert
from enlist.audit.services import SYSTEM, audit_record
from enlist.errors import NotFound, NotPermitted

DEFAULT_LIMITS = (20, 40)


class ViewsBlocked(NotPermitted):
    def __init__(self) -> None:
        super().__init__(
            "You opened unusually many cases in the last hour. Opening cases is blocked "
            "until an administrator clears it."
        )


def view_limits(role: str) -> tuple[int, int]:
    """(soft, hard) case views per hour for a role."""
    return tuple(settings.ENLIST_VIEW_LIMITS.get(role, DEFAULT_LIMITS))  # type: ignore[return-value]


def _hour(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def views_blocked(*, user: StaffUser) -> bool:
    return ViewAlert.objects.filter(
        user=user, level=AlertLevel.HARD, cleared_at__isnull=True
    ).exists()


def views_charge(*, user: StaffUser) -> int:
    """Count one case view of `user` in this hour; flag or block past the role's thresholds.

    Returns the count. The alert is committed before ViewsBlocked is raised, so the block
    stays even though the refused request does nothing else.
    """
    soft, hard = view_limits(user.role)
    hour = _hour(timezone.now())
    level = None
    with transaction.atomic():
        rows = CaseViewCount.objects.filter(user=user, hour=hour)
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    CaseViewCount.objects.create(user=user, hour=hour, count=1)
            except IntegrityError:  # a concurrent first view of the hour
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).get()
        if count > hard:
            level, threshold = AlertLevel.HARD, hard
        elif count > soft:
            level, threshold = AlertLevel.SOFT, soft
        if level is not None:
            _, created = ViewAlert.objects.get_or_create(
                user=user,
                hour=hour,
                level=level,
                cleared_at=None,
                defaults={"count": count, "threshold": threshold},
            )
            if created:
                audit_record(
                    actor=user,
                    action=AuditAction.VIEW_ALERT,
                    target=user,
                    detail={"level": level.value, "count": count, "role": user.role},
                )
    if level == AlertLevel.HARD:
        raise ViewsBlocked()
    return count


@transaction.atomic
def views_unblock(*, username: str, actor: StaffUser | None = None) -> int:
    """Clear a user's open hard alerts (and this hour's count); returns how many were cleared."""
    user = StaffUser.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No staff account named {username!r}.")
    now = timezone.now()
    cleared = ViewAlert.objects.filter(
        user=user, level=AlertLevel.HARD, cleared_at__isnull=True
    ).update(cleared_at=now, cleared_by=actor)
    CaseViewCount.objects.filter(user=user, hour=_hour(now)).delete()
    audit_record(
        actor=actor,
        actor_role=None if actor is not None else SYSTEM,
        action=AuditAction.PERMISSION_CHANGE,
        target=user,
        detail={"change": "unblock_views", "count": cleared},
    )
    return cleared
