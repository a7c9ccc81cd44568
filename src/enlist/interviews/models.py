"""Interviews: per-mission settings, venues, panel availability, interpreters, what applicants
cannot do, the booked interviews and the panel's verdicts.

Times of day (weekly hours, exceptions) are in the mission's time zone (``Mission.timezone``)
and turned into UTC windows by ``interviews.availability``; an interview's start and end are
stored in UTC. Personal values (what an applicant says about their dates, what the panel
found about their service, notes) are EncryptedFields sealed with the volunteer's data key.
A video link is not personal, but it opens the meeting: it is kept out of logs and audit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enlist.vault.fields import EncryptedField, KeyBinding

DEFAULT_LENGTH_MINUTES = 45
DEFAULT_BUFFER_MINUTES = 15
DEFAULT_HORIZON_DAYS = 28


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")


class InterviewSettings(models.Model):
    """How a mission interviews: length, buffer between interviews, which modes it offers."""

    mission = models.OneToOneField(
        "missions.Mission",
        on_delete=models.CASCADE,
        related_name="interview_settings",
        verbose_name=_("mission"),
    )
    length_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=DEFAULT_LENGTH_MINUTES
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("break between interviews (minutes)"), default=DEFAULT_BUFFER_MINUTES
    )
    in_person = models.BooleanField(_("in person"), default=True)
    video = models.BooleanField(_("video"), default=True)
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=DEFAULT_HORIZON_DAYS,
        help_text=_("How far ahead the scheduler books."),
    )

    class Meta:
        verbose_name = _("interview settings")
        verbose_name_plural = _("interview settings")
        constraints = [
            models.CheckConstraint(
                name="interviewsettings_length_positive", condition=models.Q(length_minutes__gt=0)
            ),
            models.CheckConstraint(
                name="interviewsettings_some_mode",
                condition=models.Q(in_person=True) | models.Q(video=True),
            ),
        ]

    def __str__(self) -> str:
        return gettext("interview settings of %(mission)s") % {"mission": self.mission}

    @property
    def modes(self) -> tuple[str, ...]:
        return tuple(
            mode for mode, on in ((Mode.IN_PERSON, self.in_person), (Mode.VIDEO, self.video)) if on
        )


class Venue(models.Model):
    """A room at the mission (in person) or a standing video meeting link (video)."""

    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.CASCADE,
        related_name="venues",
        verbose_name=_("mission"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Room 2, or Video link A"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    # Not personal, but whoever has it can join: never logged, never in an audit detail.
    url = models.URLField(_("video link"), blank=True, max_length=500)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["mission", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["mission", "name"], name="venue_mission_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Interpreter(models.Model):
    """An interpreter the mission can call on (staff or contractor, not a volunteer)."""

    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.CASCADE,
        related_name="interpreters",
        verbose_name=_("mission"),
    )
    name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    languages = models.JSONField(
        _("languages"), default=list, help_text=_('ISO 639-1 codes, e.g. ["ar", "fr"]')
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["mission", "name"]
        verbose_name = _("interpreter")
        verbose_name_plural = _("interpreters")

    def __str__(self) -> str:
        return self.name


class PanelProfile(models.Model):
    """The languages an attaché or consul interviews in (the mission's and Ukrainian if unset)."""

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="panel_profile",
        verbose_name=_("panel member"),
    )
    languages = models.JSONField(
        _("languages"), default=list, help_text=_('ISO 639-1 codes, e.g. ["uk", "en"]')
    )

    class Meta:
        verbose_name = _("panel member's languages")
        verbose_name_plural = _("panel members' languages")

    def __str__(self) -> str:
        return gettext("languages of panel member #%(staff)s") % {"staff": self.staff_id}


def _one_owner() -> models.Q:
    return models.Q(staff__isnull=False, interpreter__isnull=True) | models.Q(
        staff__isnull=True, interpreter__isnull=False
    )


class WeeklyHours(models.Model):
    """A recurring block of availability: every `weekday` from `start` to `end`, mission time."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="+", verbose_name=_("mission")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="weekly_hours",
        verbose_name=_("panel member"),
    )
    interpreter = models.ForeignKey(
        Interpreter,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="weekly_hours",
        verbose_name=_("interpreter"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 Monday … 6 Sunday"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(name="weeklyhours_one_owner", condition=_one_owner()),
            models.CheckConstraint(name="weeklyhours_weekday", condition=models.Q(weekday__lte=6)),
            models.CheckConstraint(
                name="weeklyhours_start_before_end", condition=models.Q(start__lt=models.F("end"))
            ),
        ]
        # the scheduler reads a mission's hours in one query
        indexes = [models.Index(fields=["mission"], name="weeklyhours_mission")]

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {time_format(self.start)}–{time_format(self.end)}"


class ExceptionKind(models.TextChoices):
    ABSENT = "absent", _("Absent")
    EXTRA = "extra", _("Extra session")


class AvailabilityException(models.Model):
    """One dated change to the weekly hours: an absence (whole day when no times) or an extra
    session, in mission time."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="+", verbose_name=_("mission")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="availability_exceptions",
        verbose_name=_("panel member"),
    )
    interpreter = models.ForeignKey(
        Interpreter,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exceptions",
        verbose_name=_("interpreter"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("absence or extra session")
        verbose_name_plural = _("absences and extra sessions")
        constraints = [
            models.CheckConstraint(name="exception_one_owner", condition=_one_owner()),
            models.CheckConstraint(
                name="exception_times",
                condition=(
                    models.Q(start__isnull=True, end__isnull=True, kind="absent")
                    | models.Q(start__isnull=False, end__isnull=False, start__lt=models.F("end"))
                ),
            ),
        ]
        indexes = [models.Index(fields=["mission", "date"], name="exception_mission_date")]

    def __str__(self) -> str:
        return gettext("%(kind)s on %(date)s") % {
            "kind": self.get_kind_display(),
            "date": date_format(self.date),
        }


class ApplicantConstraint(models.Model):
    """What the applicant told us about their availability: dates they cannot attend and the
    modes they accept. Their languages come from the application itself."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.OneToOneField(
        "cases.Application", on_delete=models.CASCADE, related_name="interview_constraint"
    )
    # [["2026-03-02", "2026-03-05"], ...]: inclusive date ranges, in the mission's calendar
    unavailable = EncryptedField(kind="json")
    modes = models.JSONField(default=list, help_text="empty: any mode the mission offers")
    updated_at = models.DateTimeField(default=timezone.now)

    vault_binding = KeyBinding(key="application.data_key")

    def __str__(self) -> str:
        return f"interview constraints of {self.application_id}"


class InterviewStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    RESCHEDULE = "reschedule", _("New slot requested")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")


# An interview in one of these holds a slot (booked, confirmed) or a place for one (reschedule).
ACTIVE_STATUSES = (InterviewStatus.BOOKED, InterviewStatus.CONFIRMED, InterviewStatus.RESCHEDULE)
SLOT_STATUSES = (InterviewStatus.BOOKED, InterviewStatus.CONFIRMED)


def new_ics_uid() -> str:
    return f"{uuid.uuid4().hex}@enlist"


class Interview(models.Model):
    """One appointment of a case with its mission's panel. Rescheduling changes the times of
    the same row: the calendar UID stays, SEQUENCE goes up (RFC 5545 §3.8.7.4)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="interviews"
    )
    mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    attache = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consul = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="interviews")
    interpreter = models.ForeignKey(
        Interpreter, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    status = models.CharField(
        max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.BOOKED
    )
    ics_uid = models.CharField(max_length=64, unique=True, default=new_ics_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    booked_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who recorded the outcome (held, no-show).",
    )

    class Meta:
        ordering = ["start"]
        constraints = [
            # One appointment at a time per case (a requested new slot keeps its place).
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="interview_one_active_per_case",
            ),
            models.CheckConstraint(
                name="interview_start_before_end", condition=models.Q(start__lt=models.F("end"))
            ),
        ]
        indexes = [
            # the calendar: a mission's interviews in a week
            models.Index(fields=["mission", "start"], name="interview_mission_start"),
            # the reminder run: booked/confirmed interviews starting soon
            models.Index(fields=["status", "start"], name="interview_status_start"),
        ]

    def __str__(self) -> str:
        return f"interview {self.pk}"

    @property
    def holds_slot(self) -> bool:
        return self.status in SLOT_STATUSES

    @property
    def mode(self) -> str:
        return self.venue.mode


class Confidence(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Readiness(models.TextChoices):
    READY = "ready", _("Ready to deploy")
    NEEDS_TRAINING = "needs_training", _("Needs training")
    NOT_READY = "not_ready", _("Not ready")


class LanguageAbility(models.TextChoices):
    FLUENT = "fluent", _("Fluent")
    WORKING = "working", _("Working")
    BASIC = "basic", _("Basic")
    NONE = "none", _("None (interpreter needed)")


class Verdict(models.Model):
    """One panel member's structured judgement after an interview. Each recording is a new
    row (the latest per role counts), so nothing said earlier is lost."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="verdicts"
    )
    interview = models.ForeignKey(
        Interview, null=True, blank=True, on_delete=models.SET_NULL, related_name="verdicts"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, help_text="attache or consul, copied from the author")
    recorded_at = models.DateTimeField(default=timezone.now)
    service_verified = models.BooleanField(help_text="Was military service verified at all?")
    # {"service", "unit", "dates", "rank", "specialty"}: what was verified
    experience = EncryptedField(kind="json")
    # ids of the case's documents the panel checked (opaque ids, not personal)
    evidence_documents = models.JSONField(default=list)
    evidence_source = EncryptedField(null=True)  # other sources: a call to the unit, a registry
    confidence = models.CharField(max_length=8, choices=Confidence.choices)
    readiness = models.CharField(max_length=16, choices=Readiness.choices)
    language_ability = models.CharField(max_length=8, choices=LanguageAbility.choices)
    recommend = models.BooleanField()
    notes = EncryptedField(null=True)

    vault_binding = KeyBinding(key="application.data_key")

    class Meta:
        ordering = ["recorded_at"]
        indexes = [
            # the guard's fact: the latest verdict per role of a case
            models.Index(fields=["application", "role", "recorded_at"], name="verdict_case_role")
        ]

    def __str__(self) -> str:
        return f"verdict {self.pk}"


def interviewed() -> models.Q:
    """Per application (OuterRef "pk"): an interview took place or a verdict was recorded, so
    the case waits for the panel's decision, not for a slot."""
    held = Interview.objects.filter(application=models.OuterRef("pk"), status=InterviewStatus.HELD)
    judged = Verdict.objects.filter(application=models.OuterRef("pk"))
    return models.Exists(held) | models.Exists(judged)
