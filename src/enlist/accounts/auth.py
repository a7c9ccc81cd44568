"""Bearer-token authentication for the staff API."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from enlist.accounts.models import ApiToken, StaffUser, token_digest

_TOUCH_INTERVAL = timedelta(minutes=5)


def user_for_token(raw: str) -> StaffUser | None:
    """The active staff user a live token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user", "user__mission")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class StaffTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> StaffUser | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
