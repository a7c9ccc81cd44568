"""Retention of mail drafts never completed into an application.

A draft completed into an application lives on with the case (same data key) and follows the
case's retention (``cases.erasure``). A draft that never became one — the correspondent did
not answer, the clerk found nothing to complete — has no case to be erased with: once its
last message is older than ``ENLIST_DRAFT_RETENTION_DAYS`` it is crypto-shredded. Its data
key is destroyed, every value and file sealed with it wiped (the raw messages and
attachments deleted from disk after commit), and the draft's rows deleted; one audit entry
per draft (rule ``draft_never_completed``) says that it happened, never what it held.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.mailin.models import DraftStatus, MailDraft
from enlist.vault.models import Destruction
from enlist.vault.services import data_key_shred

RULE = "draft_never_completed"


def drafts_due_for_shredding(*, now: datetime.datetime | None = None) -> QuerySet[MailDraft]:
    """Drafts not completed whose latest message (or creation) is past the retention period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ENLIST_DRAFT_RETENTION_DAYS)
    return (
        MailDraft.objects.filter(~Q(status=DraftStatus.COMPLETED), application__isnull=True)
        .annotate(last=Coalesce(Max("messages__received_at"), "created_at"))
        .filter(last__lt=cutoff)
        .order_by("created_at", "pk")
    )


def draft_shred(*, draft: MailDraft) -> bool:
    """Crypto-shred one never-completed draft. False (nothing done) if it was completed or
    written to again meanwhile (the row is locked and checked again)."""
    with transaction.atomic():
        locked = (
            MailDraft.objects.select_for_update()
            .select_related("data_key", "mission")
            .filter(pk=draft.pk, application__isnull=True)
            .exclude(status=DraftStatus.COMPLETED)
            .first()
        )
        if locked is None or not drafts_due_for_shredding().filter(pk=locked.pk).exists():
            return False
        data_key_shred(data_key=locked.data_key, destruction=Destruction.RETENTION)
        MailDraft.objects.filter(pk=locked.pk).delete()
        audit_record(
            actor=None,
            actor_role="system",
            action=AuditAction.ERASE,
            target=("mail_draft", locked.pk),
            detail={"rule": RULE, "mission": locked.mission.code},
        )
    return True


def drafts_retention_run() -> int:
    """Shred every draft due (the worker's daily job). Returns how many were shredded."""
    return sum(draft_shred(draft=draft) for draft in list(drafts_due_for_shredding()))
