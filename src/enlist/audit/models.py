"""The audit trail: append-only, hash-chained entries, the chain head, and a case index.

Rows are never changed or deleted: the ORM refuses it here (``AuditEntry.save`` on an existing
row, ``QuerySet.update``/``delete``), and on PostgreSQL a trigger refuses UPDATE and DELETE
(migration 0002). What a row holds is described in ``chain.py``; no personal value of a
volunteer is ever stored (``chain.DETAIL_KEYS``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enlist.audit.chain import GENESIS, Entry
from enlist.vault.fields import EncryptedField, KeyBinding


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed personal data")
    VIEW_LIST = "view_list", _("listed cases")
    SEARCH = "search", _("searched")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    TRANSITION = "transition", _("moved to another stage")
    EXPORT = "export", _("exported")
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("failed to sign in")
    PERMISSION_CHANGE = "permission_change", _("changed permissions")
    KEY_CHANGE = "key_change", _("changed a key")
    ERASE = "erase", _("erased personal data")
    OPEN_WITH_REASON = "open_with_reason", _("gave a reason to open a case")
    VIEW_ALERT = "view_alert", _("viewed unusually many cases")
    SUBJECT_ACCESS = "subject_access", _("applicant's own data requested")


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk UPDATE and DELETE are refused: an audit row, once written, stays as written."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("audit rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("audit rows are append-only")


class AuditEntry(models.Model):
    """One accountable act: who (id, username and role copied), did what, to which target,
    when, with which non-personal detail; chained to the entry before it by `prev_hash`."""

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    # PROTECT: a staff account that has acted is deactivated, never deleted, so the row (and
    # the hash that covers actor_id) stays as written.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(
        max_length=16, blank=True, help_text="'applicant' or 'system' when no staff acted"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(max_length=20, blank=True)
    target_id = models.CharField(max_length=64, blank=True, help_text="opaque: a UUID or a key")
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        indexes = [
            # auditor pages: time range, newest first
            models.Index(fields=["at"], name="audit_entry_at"),
            # "what user Y did"
            models.Index(fields=["actor_username", "sequence"], name="audit_entry_actor"),
            # filter by action
            models.Index(fields=["action", "sequence"], name="audit_entry_action"),
        ]

    def __str__(self) -> str:
        return f"audit entry #{self.sequence}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("audit rows are append-only")

    def content(self) -> Entry:
        return Entry(
            sequence=self.sequence,
            at=self.at,
            actor_id=self.actor_id,
            actor_username=self.actor_username,
            actor_role=self.actor_role,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            detail=self.detail,
        )


class AuditSubject(models.Model):
    """Index: the cases an entry concerns (its target and every case id it lists), so that
    "who saw or changed case X" is one indexed look-up. Derived from the hashed content and
    re-checked by ``enlist audit verify``."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="subjects")
    application_id = models.UUIDField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "application_id"], name="audit_subject_unique")
        ]
        indexes = [
            # "who saw or changed case X", newest first
            models.Index(fields=["application_id", "entry"], name="audit_subject_case"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} in #{self.entry_id}"


class AuditHead(models.Model):
    """The single row that serialises appends: it is locked (SELECT ... FOR UPDATE) by each
    append, and holds the sequence number and hash of the last entry."""

    ONE = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONE)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        constraints = [models.CheckConstraint(name="audit_head_single", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return f"audit head at #{self.sequence}"


# --- need-to-know (the rules: cases/need_to_know.py, cases/gate.py, audit/view_limits.py)


class AccessGrant(models.Model):
    """A user gave a reason to open a case outside their normal flow.

    The reason is free text staff typed about a volunteer, so it may name people: it is sealed
    with the volunteer's data key (erased with the case) and only its id goes into the audit
    entry (``detail.grant``) that records the opening.
    """

    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="access_grants"
    )
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    reason = EncryptedField()
    via = models.CharField(max_length=8)
    granted_at = models.DateTimeField(default=timezone.now)

    vault_binding = KeyBinding(key="application.data_key", row="uid")

    class Meta:
        indexes = [models.Index(fields=["application", "granted_at"], name="grant_case_at")]

    def __str__(self) -> str:
        return f"grant {self.uid}"


class CaseViewCount(models.Model):
    """How many cases a user opened in one clock hour: one row per user and hour, bumped by
    one UPDATE per case view (cheaper than counting audit entries on every view)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "hour"], name="case_view_count_user_hour")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.hour:%Y-%m-%d %H}h: {self.count}"


class AlertLevel(models.TextChoices):
    SOFT = "soft", _("flagged")
    HARD = "hard", _("blocked")


class ViewAlert(models.Model):
    """A user passed a per-role hourly view threshold: soft flags them to auditors, hard
    blocks their case views until an administrator clears the alert."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="view_alerts",
        verbose_name=_("staff user"),
    )
    level = models.CharField(_("level"), max_length=4, choices=AlertLevel.choices)
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("case views"))
    threshold = models.PositiveIntegerField(_("threshold"))
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cleared by"),
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("case-view alert")
        verbose_name_plural = _("case-view alerts")
        constraints = [
            # one open alert per user, hour and level; a cleared one may be raised again
            models.UniqueConstraint(
                fields=["user", "hour", "level"],
                condition=models.Q(cleared_at__isnull=True),
                name="view_alert_open_once",
            )
        ]
        indexes = [models.Index(fields=["user", "level", "cleared_at"], name="view_alert_open")]

    def __str__(self) -> str:
        # By its number and level: the user's name is the list's column, not the row's name.
        return gettext("case-view alert #%(id)s (%(level)s)") % {
            "id": self.pk,
            "level": self.get_level_display(),
        }
