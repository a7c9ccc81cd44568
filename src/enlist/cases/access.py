"""The only door to applications: every list, detail, API endpoint and export comes here.

Scope by role (README: "Roles"): mission staff see their mission's cases; reception sees cases in
travel or arrived; HQ sees all; auditors and admins list no cases. An auditor may read one
case (``application_to_read``), read-only and only after giving a reason (need-to-know:
``cases/gate.py``). A case outside the
caller's scope and a case that does not exist give the same NotFound, so existence never leaks.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import (
    MISSION_ROLES,
    NO_CASE_ROLES,
    READ_ONLY_CASE_ROLES,
    RECEPTION_STAGES,
    Role,
)
from enlist.cases.models import Application
from enlist.errors import NotFound


def applications_in_scope(*, user: StaffUser) -> QuerySet[Application]:
    applications = Application.objects.all()
    if not user.is_active or not user.role:
        return applications.none()
    role = user.staff_role
    if role in MISSION_ROLES:
        return applications.filter(mission_id=user.mission_id)
    if role == Role.RECEPTION:
        return applications.filter(stage__in=RECEPTION_STAGES)
    if role == Role.HQ:
        return applications
    assert role in NO_CASE_ROLES  # nosec B101  # an invariant of the role enum; the query before it already scoped
    return applications.none()


def access_application(
    *, user: StaffUser, application_id: str | uuid.UUID, for_update: bool = False
) -> Application:
    """The application if it is in the user's scope; NotFound otherwise (and for bad ids)."""
    try:
        key = application_id if isinstance(application_id, uuid.UUID) else uuid.UUID(application_id)
    except (ValueError, AttributeError, TypeError):
        raise NotFound() from None
    queryset = applications_in_scope(user=user).select_related("mission", "nationality")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    application = queryset.filter(pk=key).first()
    if application is None:
        raise NotFound()
    return application


def application_to_read(*, user: StaffUser, application_id: str | uuid.UUID) -> Application:
    """The application `user` may read: their scope, and for read-only oversight roles
    (auditors) any case. Callers must run ``cases.gate.case_open_check`` before showing it."""
    if user.is_active and user.role in READ_ONLY_CASE_ROLES:
        try:
            key = (
                application_id
                if isinstance(application_id, uuid.UUID)
                else uuid.UUID(application_id)
            )
        except (ValueError, AttributeError, TypeError):
            raise NotFound() from None
        application = (
            Application.objects.select_related("mission", "nationality").filter(pk=key).first()
        )
        if application is None:
            raise NotFound()
        return application
    return access_application(user=user, application_id=application_id)
