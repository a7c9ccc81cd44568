"""The request of a staff page or a staff API call, for type checking.

Every page outside ``PUBLIC_URL_NAMES`` is served only to a session that passed both factors
(``accounts/middleware.py: StaffAccessMiddleware``), and every staff API operation only to a
live token's user (``accounts/auth.py: StaffTokenAuth``): by the time a staff view runs,
``request.user`` is a ``StaffUser``, never ``AnonymousUser``. Views annotate their request as
``StaffRequest`` so that mypy checks ``request.user.role``, ``.mission`` and the rest; a
public page keeps ``HttpRequest``. Nothing is ever constructed from this class.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from enlist.accounts.models import StaffUser


class StaffRequest(HttpRequest):
    user: StaffUser


def admin_user(request: HttpRequest) -> StaffUser:
    """The administrator behind an admin page's request.

    The admin's pages keep Django's ``HttpRequest`` in their signatures (``ModelAdmin``'s), but
    the admin site lets in only an active staff user with a verified second factor
    (``accounts/admin_site.py``); anything else here is refused rather than acted on.
    """
    user = request.user
    if not isinstance(user, StaffUser):
        raise PermissionDenied
    return user
