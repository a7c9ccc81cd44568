"""Receivers for what no Enlist service owns: sign-ins, and changes made directly to staff
accounts and API tokens (the admin site, a shell, the services alike); and for the events of
the apps below the trail, which cannot import it (``core/events.py``: ``vault/events.py``,
``jobs/events.py``, ``accounts/events.py``).

Staff accounts are edited by Django's admin as rows, not through a service, so the audit
of permissions hangs on the rows themselves: whoever creates an account, changes its role,
mission or flags, or issues, revokes or deletes a token, the entry is written in the same
transaction as the save (the admin and the services run in one). The actor is the staff user
of the request being served (``accounts.middleware.request_actor``: the admin's signed-in
user, or an API token's); only the command line and other operator paths, with no request,
are recorded as "system".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from enlist.accounts.events import security_changed, stepped_up
from enlist.accounts.middleware import request_actor
from enlist.accounts.models import ApiToken, StaffUser
from enlist.audit.models import AuditAction
from enlist.audit.services import ANONYMOUS, SYSTEM, audit_record
from enlist.jobs.events import dead_job_handled, dead_jobs_listed
from enlist.missions.models import Mission
from enlist.vault.events import data_keys_rotated

_PERMISSIONS = ("role", "mission_id", "is_active", "is_staff", "is_superuser")
_PERMISSION_NAMES = frozenset(_PERMISSIONS) | {"mission"}
_BEFORE = "_audit_before"


@receiver(user_logged_in, dispatch_uid="audit-login")
def _signed_in(sender: Any, request: HttpRequest | None, user: StaffUser, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, detail={"via": "web"})


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _sign_in_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The name that was tried is staff data, kept to spot attacks on an account; the password
    # is never read (Django has blanked it in `credentials` already).
    audit_record(
        actor=None,
        actor_role=ANONYMOUS,
        actor_username=str(credentials.get("username") or ""),
        action=AuditAction.LOGIN_FAILED,
        detail={"via": "web"},
    )


def _actor() -> dict[str, Any]:
    """Who made the change: the request's staff user, else "system" (no request)."""
    actor = request_actor()
    return {"actor": actor} if actor is not None else {"actor": None, "actor_role": SYSTEM}


def _mission_code(mission_id: int | None) -> str | None:
    if mission_id is None:
        return None
    return Mission.objects.filter(pk=mission_id).values_list("code", flat=True).first()


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    shown = {key: value for key, value in values.items() if key != "mission_id"}
    if "mission_id" in values:
        shown["mission"] = _mission_code(values["mission_id"])
    return shown


def _wanted(instance: Any, update_fields: Any, names: frozenset[str]) -> bool:
    if instance._state.adding or instance.pk is None:
        return False
    return update_fields is None or bool(set(update_fields) & names)


@receiver(pre_save, sender=StaffUser, dispatch_uid="audit-staff-before")
def _staff_before(
    sender: type[StaffUser], instance: StaffUser, raw: bool, update_fields: Any, **kwargs: Any
) -> None:
    if raw or not _wanted(instance, update_fields, _PERMISSION_NAMES):
        return  # e.g. the last-login stamp: no permission can change
    before = sender._base_manager.filter(pk=instance.pk).values(*_PERMISSIONS).first()
    setattr(instance, _BEFORE, before)


@receiver(post_save, sender=StaffUser, dispatch_uid="audit-staff-after")
def _staff_after(
    sender: type[StaffUser], instance: StaffUser, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw:
        return
    now = {name: getattr(instance, name) for name in _PERMISSIONS}
    if created:
        detail = {"change": "staff_add", "new": _shown(now)}
    else:
        before = instance.__dict__.pop(_BEFORE, None)
        changed = [
            name for name in _PERMISSIONS if before is not None and before[name] != now[name]
        ]
        if not changed:
            return
        detail = {
            "change": "staff_change",
            "old": _shown({name: before[name] for name in changed}),
            "new": _shown({name: now[name] for name in changed}),
        }
    audit_record(
        **_actor(),
        action=AuditAction.PERMISSION_CHANGE,
        target=instance,
        detail=detail,
    )


@receiver(post_delete, sender=StaffUser, dispatch_uid="audit-staff-deleted")
def _staff_deleted(sender: type[StaffUser], instance: StaffUser, **kwargs: Any) -> None:
    audit_record(
        **_actor(),
        action=AuditAction.PERMISSION_CHANGE,
        target=("staff", str(instance.pk)),
        detail={"change": "staff_delete", "role": instance.role},
    )


@receiver(pre_save, sender=ApiToken, dispatch_uid="audit-token-before")
def _token_before(
    sender: type[ApiToken], instance: ApiToken, raw: bool, update_fields: Any, **kwargs: Any
) -> None:
    if raw or not _wanted(instance, update_fields, frozenset({"revoked_at"})):
        return
    revoked = sender._base_manager.filter(pk=instance.pk).values_list("revoked_at", flat=True)
    setattr(instance, _BEFORE, revoked.first())


def _token_entry(token: ApiToken, change: str) -> None:
    audit_record(
        **_actor(),
        action=AuditAction.PERMISSION_CHANGE,
        target=("staff", str(token.user_id)),
        detail={"change": change, "token": token.pk},
    )


@receiver(post_save, sender=ApiToken, dispatch_uid="audit-token-after")
def _token_after(
    sender: type[ApiToken], instance: ApiToken, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw:
        return
    if created:
        _token_entry(instance, "token_create")
        return
    if _BEFORE not in instance.__dict__:
        return
    was_revoked = instance.__dict__.pop(_BEFORE) is not None
    if was_revoked != (instance.revoked_at is not None):
        _token_entry(instance, "token_revoke" if instance.revoked_at else "token_restore")


@receiver(post_delete, sender=ApiToken, dispatch_uid="audit-token-deleted")
def _token_deleted(sender: type[ApiToken], instance: ApiToken, **kwargs: Any) -> None:
    _token_entry(instance, "token_delete")


@receiver(data_keys_rotated, dispatch_uid="audit-key-rotation")
def _keys_rotated(sender: Any, version: int, count: int, via: str, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        actor_role=SYSTEM,
        action=AuditAction.KEY_CHANGE,
        detail={"via": via, "change": "rotate", "key": "field", "version": version,
                "count": count},
    )  # fmt: skip


@receiver(dead_job_handled, dispatch_uid="audit-dead-job")
def _dead_job_handled(
    sender: Any, actor: StaffUser, job_id: int, kind: str, change: str, **kwargs: Any
) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=("job", job_id),
        detail={"change": change, "job": kind, "via": "admin"},
    )


@receiver(dead_jobs_listed, dispatch_uid="audit-dead-jobs-listed")
def _dead_jobs_listed(sender: Any, actor: StaffUser, count: int, **kwargs: Any) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.VIEW_LIST,
        target=("job", "dead"),
        detail={"via": "admin", "count": count},
    )


@receiver(security_changed, dispatch_uid="audit-security-change")
def _security_changed(
    sender: Any,
    user: StaffUser,
    actor: StaffUser | None,
    change: str,
    detail: dict[str, Any],
    **kwargs: Any,
) -> None:
    audit_record(
        actor=actor,
        actor_role=None if actor is not None else SYSTEM,
        action=AuditAction.PERMISSION_CHANGE,
        target=user,
        detail={"change": change, **detail},
    )


@receiver(stepped_up, dispatch_uid="audit-step-up")
def _stepped_up(sender: Any, user: StaffUser, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, detail={"via": "web", "change": "step_up"})
