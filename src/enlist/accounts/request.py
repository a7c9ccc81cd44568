"""The request of a staff page or a staff API call, for type checking.

Every page outside ``PUBLIC_URL_NAMES`` is served only to a session that passed both factors
(``accounts/middleware.py: StaffAccessMiddleware``), and every staff API operation only to a
live token's user (``accounts/auth.py: StaffTokenAuth``): by the time a staff view runs,
``request.user`` is a ``StaffUser``, never ``AnonymousUser``. Views annotate their request as
``StaffRequest`` so that mypy checks ``request.user.role``, ``.mission`` and the rest; a
public page keeps ``HttpRequest``. Nothing is ever constructed from this class.
"""

from __future__ import annotations

from django.http import HttpRequest

from enlist.accounts.models import StaffUser


class StaffRequest(HttpRequest):
    user: StaffUser
