"""Erasing a case: crypto-shredding its data key at the end of retention or on request.

``application_shred`` is the one implementation, used by ``enlist retention run`` (through
``retention_run``) and by HQ's "Erase at the applicant's request" action. It destroys the
volunteer's data key, so every personal field of the case, of its history and of its
documents becomes unreadable in the database and in every backup whose KEK is retired (see
docs/adr/0004-per-volunteer-keys.md), and deletes what could still point at the person:
blind-index digests (an HMAC of a passport number confirms a guess), the digest of the
submitted body (the key's digest stays, so a retry with the same Idempotency-Key answers with
the erased case instead of creating a new one; intake forgets it through the erasure hook,
``cases/hooks.py: register_erasure_handler``), documents and their files. Then every sealed
value bound to the case's key is deleted too, not only left unreadable: each model's
``vault_binding`` says where its rows find their key, so ``vault/services.py:
data_key_shred`` finds them
all (the case's fields, visa number and notes, verdicts, override and transfer reasons,
need-to-know reasons, packet PDFs, and any model added later) with no list to keep. What
statistics need stays: the application row with mission, nationality, channel, stage and
dates, and its stage history (stages, dates, roles; reasons are cleared).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.hooks import erasure_handlers_run
from enlist.cases.models import Application, Document, LookupDigest, StageChange
from enlist.cases.workflow import FINAL_STAGES, Stage
from enlist.core.progress import progress_bar
from enlist.errors import FieldError, InvalidInput, NotPermitted
from enlist.vault.fields import EncryptedField
from enlist.vault.models import Destruction
from enlist.vault.retention import HIGH_RISK_ADVISORIES, PolicyError, RetentionPolicy
from enlist.vault.services import data_key_shred

REQUEST_RULE = "request"
WITHDRAWN_ON_ERASURE = "Erased at the applicant's request"


def retention_policy() -> RetentionPolicy:
    """The policy configured by ``settings.ENLIST_RETENTION_DAYS``."""
    try:
        return RetentionPolicy.from_days(
            settings.ENLIST_RETENTION_DAYS, final_stages=[s.value for s in FINAL_STAGES]
        )
    except PolicyError as exc:
        raise ImproperlyConfigured(f"ENLIST_RETENTION_DAYS: {exc}") from exc


def applications_due_for_erasure(*, now: datetime.datetime | None = None) -> QuerySet[Application]:
    """Cases whose retention period is over and whose data key still exists.

    Uses the ``application_stage_waiting`` index (stage, stage_changed_at).
    """
    now = now or timezone.now()
    due = Q(pk__in=[])
    for cutoff in retention_policy().cutoffs(now=now):
        condition = Q(stage=cutoff.stage, stage_changed_at__lte=cutoff.before)
        if cutoff.high_risk:
            condition &= Q(nationality__advisory_status__in=HIGH_RISK_ADVISORIES)
        due |= condition
    return Application.objects.filter(due, data_key__destroyed_at__isnull=True)


def _audit(*, actor: StaffUser | None, application: Application, rule: str, stage: str) -> None:
    audit_record(
        actor=actor,
        actor_role=None if actor is not None else "system",
        action=AuditAction.ERASE,
        target=application,
        detail={"via": "web" if actor is not None else "cli", "rule": rule, "stage": stage},
    )


@transaction.atomic
def application_shred(
    *,
    application: Application,
    actor: StaffUser | None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> bool:
    """Crypto-shred a case. Returns False when it was already erased (nothing changes).

    `actor` None: the retention run erases an expired case (NotPermitted if its retention
    period is not over at `now`). A staff `actor`: the applicant
    asked for erasure; only HQ may do it (NotPermitted, 403), with a `reason` (InvalidInput,
    422; it goes to no table: the audit entry records the action, the reason could name
    people). An open case is first withdrawn through the workflow, so statistics see it
    left. Document files are deleted from the disk once the transaction commits.
    """
    if actor is not None:
        if actor.staff_role != Role.HQ:
            raise NotPermitted("Only HQ may erase a case at the applicant's request.")
        if not reason.strip():
            raise InvalidInput([FieldError("reason", "A reason is required to erase a case.")])
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("nationality")
        .get(pk=application.pk)
    )
    if locked.is_erased:
        return False
    high_risk = locked.nationality.advisory_status in HIGH_RISK_ADVISORIES
    if actor is None:
        policy = retention_policy()
        if not policy.is_due(
            stage=locked.stage,
            entered_at=locked.stage_changed_at,
            high_risk=high_risk,
            now=now or timezone.now(),
        ):
            raise NotPermitted("This case's retention period is not over.")
        rule = policy.rule(stage=locked.stage, high_risk=high_risk)
    else:
        rule = REQUEST_RULE
    if actor is not None and locked.is_open:
        from enlist.cases.services import application_transition

        application_transition(
            application=locked, to=Stage.WITHDRAWN, actor=actor, reason=WITHDRAWN_ON_ERASURE
        )

    documents = Document.objects.filter(application=locked)
    storage = Document._meta.get_field("file").storage
    files = [name for name in documents.values_list("file", flat=True) if name]
    documents.delete()

    def delete_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    LookupDigest.objects.filter(application=locked).delete()
    StageChange.objects.filter(application=locked).update(reason=None)
    erasure_handlers_run(locked)
    destruction = Destruction.RETENTION if actor is None else Destruction.REQUEST
    data_key_shred(data_key=application.data_key, destruction=destruction)
    _forget_plaintext(application)
    application.stage, application.held_from = locked.stage, locked.held_from
    application.stage_changed_at = locked.stage_changed_at
    _audit(actor=actor, application=locked, rule=rule, stage=locked.stage)
    return True


def _forget_plaintext(application: Application) -> None:
    # The caller's instance may hold values read before: drop them, so nothing is shown again.
    for model_field in Application._meta.concrete_fields:
        if isinstance(model_field, EncryptedField):
            application.__dict__.pop(model_field.attname, None)


@dataclass
class RetentionReport:
    due: Counter[str] = field(default_factory=Counter)  # rule -> cases due
    erased: int = 0

    @property
    def total_due(self) -> int:
        return sum(self.due.values())


def retention_run(
    *, now: datetime.datetime | None = None, dry_run: bool = False, progress: bool | None = None
) -> RetentionReport:
    """Erase every case whose retention period is over, one short transaction each.

    With `dry_run`, count them by rule and change nothing. Safe to rerun at any time (an
    interrupted run continues where it stopped) and while the server serves.
    """
    now = now or timezone.now()
    policy = retention_policy()
    due = applications_due_for_erasure(now=now)
    report = RetentionReport()
    rows = due.values_list("pk", "stage", "nationality__advisory_status").order_by("pk")
    pks = []
    for pk, stage, advisory in rows:
        report.due[policy.rule(stage=stage, high_risk=advisory in HIGH_RISK_ADVISORIES)] += 1
        pks.append(pk)
    if dry_run:
        return report
    with progress_bar(
        total=len(pks), unit="case", desc="Erasing expired cases", progress=progress
    ) as bar:
        for pk in pks:
            application = Application.objects.filter(pk=pk).first()
            if application is not None and application_shred(
                application=application, actor=None, now=now
            ):
                report.erased += 1
            bar.update(1)
    return report
