"""Writes on interviews: verdicts, no-shows, the applicant's answers to an invitation,
cancellation when a case leaves the interview stage, and the panel's availability.

Every function is the one implementation shared by the staff pages, the API, the CLI and
the demo. Callers reach the case through ``cases.access`` first (scope); these functions
check the role and the state. Booking lives in ``interviews.booking``; email in
``interviews.invitations`` (sent only once the transaction commits).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import APPLICANT, audit_record
from enlist.cases.hooks import stage_entered
from enlist.cases.models import Application, StageChange, Transfer
from enlist.cases.workflow import Stage, find_rule, roles_for
from enlist.core.bounds import REASON_MAX_LENGTH
from enlist.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from enlist.interviews.models import (
    ACTIVE_STATUSES,
    SLOT_STATUSES,
    ApplicantConstraint,
    AvailabilityException,
    Confidence,
    ExceptionKind,
    Interview,
    InterviewStatus,
    LanguageAbility,
    Readiness,
    Verdict,
    WeeklyHours,
)

PANEL_ROLES = frozenset({Role.ATTACHE, Role.CONSUL})
# Leaving the interview stage this way cancels a booked interview.
CANCELLING_STAGES = (Stage.WITHDRAWN, Stage.ON_HOLD, Stage.REJECTED, Stage.REFERRED)
NO_SHOW_LIMIT = 2
NO_SHOW_REASON = "Two missed interviews"
APPLICANT_WITHDRAW_REASON = "Withdrawn by the applicant through the interview invitation link."
EXPERIENCE_KEYS = ("service", "unit", "dates", "rank", "specialty")
TEXT_MAX = 4000
UNAVAILABLE_MAX_RANGES = 20


# --- facts for the workflow ----------------------------------------------------------------


def latest_verdicts(application_id: uuid.UUID) -> dict[str, bool | None]:
    """{"attache": recommend, "consul": recommend} from each role's latest verdict (None: none)."""
    latest: dict[str, bool | None] = {"attache": None, "consul": None}
    rows = (
        Verdict.objects.filter(application_id=application_id)
        .order_by("recorded_at", "pk")
        .values_list("role", "recommend")
    )
    for role, recommend in rows:
        latest[role] = recommend
    return latest


def interview_facts(application: Application) -> dict[str, Any]:
    """The facts the workflow's guards read from this app (``cases.hooks`` provider)."""
    missed = Interview.objects.filter(
        application_id=application.pk, status=InterviewStatus.NO_SHOW
    ).count()
    return {
        "interview_verdicts": latest_verdicts(application.pk),
        "interview_no_show_limit_reached": missed >= NO_SHOW_LIMIT,
    }


# --- verdicts ------------------------------------------------------------------------------


def _choice(errors: list[FieldError], field: str, value: str, choices: Iterable[str]) -> None:
    allowed = list(choices)
    if value not in allowed:
        errors.append(FieldError(field, f"Choose one of: {', '.join(allowed)}."))


def _text(errors: list[FieldError], field: str, value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        errors.append(FieldError(field, f"At most {limit} characters."))
    return value or None


@dataclass(frozen=True)
class Assessment:
    """What a panel member judges at the interview: the content of one verdict."""

    service_verified: bool
    experience: Mapping[str, str]
    confidence: str
    readiness: str
    language_ability: str
    recommend: bool
    evidence_documents: Sequence[str] = ()
    evidence_source: str = ""
    notes: str = ""


@dataclass(frozen=True)
class _CheckedAssessment:
    experience: dict[str, str]
    evidence_documents: list[str]
    evidence_source: str | None
    notes: str | None


def _assessment_checked(assessment: Assessment, application: Application) -> _CheckedAssessment:
    """Every field checked at once (InvalidInput names each bad one); text trimmed."""
    errors: list[FieldError] = []
    _choice(errors, "confidence", assessment.confidence, Confidence.values)
    _choice(errors, "readiness", assessment.readiness, Readiness.values)
    _choice(errors, "language_ability", assessment.language_ability, LanguageAbility.values)
    experience = assessment.experience
    unknown = sorted(set(experience) - set(EXPERIENCE_KEYS))
    if unknown:
        errors.append(
            FieldError("experience", f"Only these details: {', '.join(EXPERIENCE_KEYS)}.")
        )
    details = {}
    for key in EXPERIENCE_KEYS:
        value = _text(errors, f"experience.{key}", str(experience.get(key) or ""), 200)
        if value:
            details[key] = value
    case_documents = {str(pk) for pk in application.documents.values_list("pk", flat=True)}
    documents = [str(d) for d in assessment.evidence_documents]
    if any(d not in case_documents for d in documents):
        errors.append(FieldError("evidence_documents", "Name documents of this case only."))
    source = _text(errors, "evidence_source", assessment.evidence_source, TEXT_MAX)
    note = _text(errors, "notes", assessment.notes, TEXT_MAX)
    if assessment.service_verified and not (documents or source):
        errors.append(
            FieldError("evidence_documents", "Say which document or source verified the service.")
        )
    if errors:
        raise InvalidInput(errors)
    return _CheckedAssessment(details, sorted(set(documents)), source, note)


@transaction.atomic
def verdict_record(
    *,
    application: Application,
    actor: StaffUser,
    assessment: Assessment,
    at: datetime.datetime | None = None,
) -> Verdict:
    """Record the actor's verdict on a case at the interview stage (attaché or consul of its
    mission). The case's current interview, if any, is linked and marked held. A later verdict
    of the same role replaces this one for the workflow; both stay on record."""
    if actor.staff_role not in PANEL_ROLES:
        raise NotPermitted("Only the attaché and the consul record interview verdicts.")
    if actor.mission_id != application.mission_id:
        raise NotFound()
    if application.stage != Stage.INTERVIEW:
        raise Conflict("Verdicts are recorded while the case is at the interview stage.")
    checked = _assessment_checked(assessment, application)
    now = at or timezone.now()
    interview = (
        Interview.objects.select_for_update()
        .filter(application=application, status__in=[*SLOT_STATUSES, InterviewStatus.HELD])
        .order_by("-start")
        .first()
    )
    if interview is not None and interview.status in SLOT_STATUSES:
        interview.status = InterviewStatus.HELD
        interview.recorded_by = actor
        interview.save(update_fields=["status", "recorded_by"])
    verdict = Verdict.objects.create(
        application=application,
        interview=interview,
        author=actor,
        role=actor.role,
        recorded_at=now,
        service_verified=assessment.service_verified,
        experience=checked.experience,
        evidence_documents=checked.evidence_documents,
        evidence_source=checked.evidence_source,
        confidence=assessment.confidence,
        readiness=assessment.readiness,
        language_ability=assessment.language_ability,
        recommend=assessment.recommend,
        notes=checked.notes,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=application,
        detail={
            "change": "verdict",
            "role": actor.role,
            "interview": str(interview.pk) if interview else None,
        },
    )
    return verdict


# --- no-shows ------------------------------------------------------------------------------


def no_show_roles() -> frozenset[Role]:
    """Who records a no-show: the panel and HQ roles that may also put the case on hold (the
    second no-show does, by some row of the workflow table: the consul's row allows it only
    after missed interviews)."""
    return roles_for(current=Stage.INTERVIEW, target=Stage.ON_HOLD) & (PANEL_ROLES | {Role.HQ})


def may_record_no_show(*, actor: StaffUser, interview: Interview) -> bool:
    """A panel member records a no-show for an interview they sit on; HQ for any."""
    role = actor.staff_role
    if role not in no_show_roles():
        return False
    if role in PANEL_ROLES:
        return actor.pk in (interview.attache_id, interview.consul_id)
    return True


@transaction.atomic
def interview_no_show(
    *, interview: Interview, actor: StaffUser, now: datetime.datetime | None = None
) -> Interview:
    """Record that the applicant did not come. The second no-show of a case puts it on hold
    (through the workflow, by the same staff member, reason "Two missed interviews")."""
    if actor.staff_role not in no_show_roles():
        raise NotPermitted("Your role does not record no-shows.")
    if actor.mission_id is not None and actor.mission_id != interview.mission_id:
        raise NotFound()
    if not may_record_no_show(actor=actor, interview=interview):
        raise NotPermitted("Only a member of this interview's panel records its no-show.")
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    now = now or timezone.now()
    if locked.status not in SLOT_STATUSES:
        raise Conflict(f"This interview is {locked.status}: no no-show can be recorded.")
    if locked.start > now:
        raise Conflict("This interview has not started yet.")
    locked.status = InterviewStatus.NO_SHOW
    locked.recorded_by = actor
    locked.save(update_fields=["status", "recorded_by"])
    missed = Interview.objects.filter(
        application_id=locked.application_id, status=InterviewStatus.NO_SHOW
    ).count()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=("application", locked.application_id),
        detail={"change": "interview_no_show", "interview": str(locked.pk), "count": missed},
    )
    if missed >= NO_SHOW_LIMIT:
        application = Application.objects.get(pk=locked.application_id)
        if application.stage == Stage.INTERVIEW:
            from enlist.cases.services import application_transition

            application_transition(
                application=application, to=Stage.ON_HOLD, actor=actor, reason=NO_SHOW_REASON
            )
    return locked


# --- cancellation when the case leaves the interview stage ----------------------------------


def _cancel(interview: Interview, *, now: datetime.datetime) -> None:
    from enlist.interviews.invitations import mail_queue

    had_slot = interview.status in SLOT_STATUSES
    interview.status = InterviewStatus.CANCELLED
    interview.cancelled_at = now
    interview.sequence += 1
    interview.save(update_fields=["status", "cancelled_at", "sequence"])
    if had_slot:
        mail_queue("cancellation", interview)


def _cancel_all(
    interviews: Iterable[Interview],
    *,
    application: Application,
    actor: StaffUser | None,
    why: dict[str, str],
    actor_role: str | None = None,
) -> None:
    """Cancel each interview (locked by the caller) and put each on the trail with what caused
    it: the stage the case entered, or its transfer."""
    now = timezone.now()
    for interview in interviews:
        _cancel(interview, now=now)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            target=("application", application.pk),
            detail={"change": "interview_cancel", "interview": str(interview.pk), **why},
            actor_role=actor_role,
        )


def interviews_cancel_on_stage_entry(
    application: Application, change: StageChange, actor: StaffUser | None
) -> None:
    """Stage-entry handler: a case that is withdrawn, held, rejected or referred keeps no
    appointment; the applicant and the panel receive a cancellation (METHOD:CANCEL)."""
    interviews = Interview.objects.select_for_update().filter(
        application_id=application.pk, status__in=ACTIVE_STATUSES
    )
    _cancel_all(
        interviews,
        application=application,
        actor=actor,
        why={"stage": change.to_stage},
        actor_role=None if actor is not None else APPLICANT,
    )


def interviews_cancel_on_transfer(
    application: Application, transfer: Transfer, actor: StaffUser
) -> None:
    """Transfer handler (``cases/hooks.py``): an interview booked with the old mission's panel
    is cancelled (METHOD:CANCEL to the applicant and that panel, after commit); the new
    mission books its own. Verdicts already recorded stay with the case."""
    interviews = Interview.objects.select_for_update().filter(
        application_id=application.pk,
        status__in=ACTIVE_STATUSES,
        mission_id=transfer.from_mission_id,
    )
    _cancel_all(
        interviews, application=application, actor=actor, why={"transfer": str(transfer.pk)}
    )


# --- the applicant's answers (public page behind the signed link) ---------------------------


def _applicant_interview(interview_id: uuid.UUID) -> Interview:
    interview = (
        Interview.objects.select_for_update()
        .select_related("application", "mission")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None:
        raise NotFound()
    return interview


def _applicant_audit(interview: Interview, change: str) -> None:
    audit_record(
        actor=None,
        action=AuditAction.CHANGE,
        target=("application", interview.application_id),
        detail={"change": change, "interview": str(interview.pk), "via": "web"},
    )


@transaction.atomic
def interview_confirm(*, interview_id: uuid.UUID) -> Interview:
    """The applicant confirms the slot. Confirmed interviews are not moved by a re-plan."""
    interview = _applicant_interview(interview_id)
    if interview.status == InterviewStatus.CONFIRMED:
        return interview
    if interview.status != InterviewStatus.BOOKED:
        raise Conflict("This appointment can no longer be confirmed.")
    interview.status = InterviewStatus.CONFIRMED
    interview.confirmed_at = timezone.now()
    interview.save(update_fields=["status", "confirmed_at"])
    _applicant_audit(interview, "interview_confirm")
    return interview


def parse_ranges(
    pairs: Iterable[tuple[str, str]], *, today: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """Inclusive (first, last) date ranges from form or API strings; InvalidInput when wrong."""
    ranges = []
    for first_text, last_text in pairs:
        if not first_text and not last_text:
            continue
        try:
            first = datetime.date.fromisoformat(first_text)
            last = datetime.date.fromisoformat(last_text or first_text)
        except ValueError:
            raise InvalidInput([FieldError("unavailable", "Dates are YYYY-MM-DD.")]) from None
        if last < first:
            raise InvalidInput([FieldError("unavailable", "A range ends after it starts.")])
        if last < today:
            continue  # past dates no longer matter
        ranges.append((first, last))
    if len(ranges) > UNAVAILABLE_MAX_RANGES:
        raise InvalidInput(
            [FieldError("unavailable", f"At most {UNAVAILABLE_MAX_RANGES} date ranges.")]
        )
    return ranges


def applicant_unavailable_add(
    *, application: Application, ranges: Sequence[tuple[datetime.date, datetime.date]]
) -> ApplicantConstraint:
    """Add date ranges the applicant cannot attend (kept sealed with their data key)."""
    constraint = ApplicantConstraint.objects.filter(application=application).first()
    if constraint is None:
        constraint = ApplicantConstraint(application=application, unavailable=[])
    known = {tuple(pair) for pair in constraint.unavailable or []}
    for first, last in ranges:
        known.add((first.isoformat(), last.isoformat()))
    constraint.unavailable = [list(pair) for pair in sorted(known)][-UNAVAILABLE_MAX_RANGES:]
    constraint.updated_at = timezone.now()
    constraint.save()
    return constraint


@transaction.atomic
def interview_reschedule_request(
    *, interview_id: uuid.UUID, unavailable: Sequence[tuple[datetime.date, datetime.date]]
) -> Interview:
    """The applicant asks for another slot, naming dates they cannot attend. The slot is
    released; the next scheduling run books a new one on the same calendar entry (same UID,
    higher SEQUENCE)."""
    interview = _applicant_interview(interview_id)
    if interview.status == InterviewStatus.RESCHEDULE:
        applicant_unavailable_add(application=interview.application, ranges=unavailable)
        return interview
    if interview.status not in SLOT_STATUSES:
        raise Conflict("This appointment can no longer be changed.")
    from enlist.interviews.invitations import mail_queue

    applicant_unavailable_add(application=interview.application, ranges=unavailable)
    interview.status = InterviewStatus.RESCHEDULE
    interview.confirmed_at = None
    interview.sequence += 1  # the panel's entry for the old slot is cancelled
    interview.save(update_fields=["status", "confirmed_at", "sequence"])
    _applicant_audit(interview, "interview_reschedule_request")
    mail_queue("cancellation", interview, applicant=False)
    return interview


@transaction.atomic
def application_withdraw_by_applicant(*, interview_id: uuid.UUID) -> StageChange:
    """The applicant withdraws through their invitation link.

    The workflow's withdraw rule is for staff (clerk, HQ), who act on what an applicant tells
    them; here the applicant tells the system directly, with a link only they received. So
    the move is checked against the table (withdrawn must be reachable from the current
    stage), recorded like any other (StageChange with actor_role "applicant", an audit entry
    by the applicant) and the stage-entry handlers run with no staff actor.
    """
    interview = _applicant_interview(interview_id)
    locked = (
        Application.objects.select_for_update()
        .only("stage", "held_from", "stage_changed_at", "mission_id")
        .get(pk=interview.application_id)
    )
    current = locked.current_stage
    if find_rule(current=current, target=Stage.WITHDRAWN) is None:
        raise Conflict("This application is already closed.")
    now = timezone.now()
    locked.stage = Stage.WITHDRAWN.value
    locked.held_from = ""
    locked.stage_changed_at = now
    locked.save(update_fields=["stage", "held_from", "stage_changed_at"])
    change = StageChange.objects.create(
        application=locked,
        from_stage=current.value,
        to_stage=Stage.WITHDRAWN.value,
        actor=None,
        actor_role=APPLICANT,
        reason=APPLICANT_WITHDRAW_REASON[:REASON_MAX_LENGTH],
        at=now,
    )
    audit_record(
        actor=None,
        action=AuditAction.TRANSITION,
        target=("application", locked.pk),
        detail={"from": current.value, "to": Stage.WITHDRAWN.value, "reason_given": True},
    )
    stage_entered(locked, change, None)  # type: ignore[arg-type]
    return change


# --- availability ------------------------------------------------------------------------------


def _check_availability_editor(*, staff: StaffUser, actor: StaffUser) -> int:
    """The mission of the panel member whose availability `actor` may edit."""
    if staff.staff_role not in PANEL_ROLES or staff.mission_id is None:
        raise NotFound()
    if actor.staff_role != Role.HQ and actor.pk != staff.pk:
        raise NotPermitted("Attachés and consuls edit their own availability.")
    return staff.mission_id


def _check_times(
    errors: list[FieldError], field: str, start: datetime.time | None, end: datetime.time | None
) -> None:
    if start is None or end is None or not start < end:
        errors.append(FieldError(field, "Give a start time before the end time."))


@transaction.atomic
def weekly_hours_set(
    *,
    staff: StaffUser,
    actor: StaffUser,
    hours: Sequence[tuple[int, datetime.time | None, datetime.time | None]],
) -> list[WeeklyHours]:
    """Replace a panel member's weekly hours (weekday 0 = Monday; mission time)."""
    mission_id = _check_availability_editor(staff=staff, actor=actor)
    errors: list[FieldError] = []
    checked: list[tuple[int, datetime.time, datetime.time]] = []
    for weekday, start, end in hours:
        if not 0 <= weekday <= 6:
            errors.append(FieldError("weekday", "A weekday is 0 (Monday) to 6 (Sunday)."))
        _check_times(errors, "hours", start, end)
        if start is not None and end is not None:
            checked.append((weekday, start, end))
    if errors:
        raise InvalidInput(errors)
    WeeklyHours.objects.filter(staff=staff).delete()
    rows = WeeklyHours.objects.bulk_create(
        WeeklyHours(mission_id=mission_id, staff=staff, weekday=w, start=s, end=e)
        for w, s, e in sorted(checked)
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=staff,
        detail={"change": "weekly_hours", "count": len(rows)},
    )
    return rows


@transaction.atomic
def availability_exception_add(
    *,
    staff: StaffUser,
    actor: StaffUser,
    date: datetime.date,
    kind: str,
    start: datetime.time | None = None,
    end: datetime.time | None = None,
) -> AvailabilityException:
    """An absence (the whole day without times) or an extra session on one date."""
    mission_id = _check_availability_editor(staff=staff, actor=actor)
    errors: list[FieldError] = []
    _choice(errors, "kind", kind, ExceptionKind.values)
    if kind == ExceptionKind.EXTRA or start is not None or end is not None:
        _check_times(errors, "start", start, end)
    if errors:
        raise InvalidInput(errors)
    exception = AvailabilityException.objects.create(
        mission_id=mission_id, staff=staff, date=date, kind=kind, start=start, end=end
    )
    audit_record(
        actor=actor, action=AuditAction.CHANGE, target=staff, detail={"change": "exception_add"}
    )
    return exception


@transaction.atomic
def availability_exception_remove(*, exception: AvailabilityException, actor: StaffUser) -> None:
    staff = exception.staff
    if staff is None:
        raise NotFound()
    _check_availability_editor(staff=staff, actor=actor)
    exception.delete()
    audit_record(
        actor=actor, action=AuditAction.CHANGE, target=staff, detail={"change": "exception_remove"}
    )


# --- reminders -------------------------------------------------------------------------------

REMINDER_BEFORE = datetime.timedelta(hours=24)


def interviews_remind(*, now: datetime.datetime | None = None) -> int:
    """Queue a reminder for every applicant whose interview (booked or confirmed) starts
    within 24 hours and who was not yet reminded of this slot; the worker sends it.
    Idempotent: each interview remembers when its reminder was queued (a re-booking clears
    it); running twice queues nothing new. Returns how many were queued."""
    from enlist.interviews.invitations import mail_queue

    now = now or timezone.now()
    due = Interview.objects.filter(
        status__in=SLOT_STATUSES,
        start__gt=now,
        start__lte=now + REMINDER_BEFORE,
        reminder_sent_at__isnull=True,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            interview = (
                Interview.objects.select_for_update()
                .filter(pk=pk, reminder_sent_at__isnull=True, status__in=SLOT_STATUSES)
                .first()
            )
            if interview is None:
                continue  # another run took it, or it changed meanwhile
            mail_queue("reminder", interview)
            interview.reminder_sent_at = now
            interview.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent
