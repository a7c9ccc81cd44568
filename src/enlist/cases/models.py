"""Applications, their documents, their stage history and their blind-index digests.

Every personal value is an EncryptedField (or, for files, an EncryptedFileField) sealed with
the volunteer's own data key (``vault.DataKey``, one per application); ``vault_binding`` on
each model says where its rows find that key. What stays in clear is what statistics and
routing need and what reveals no one: mission, nationality, stage, channel and dates. When
the data key is destroyed (``cases.erasure``) the row stays, for statistics, as an erased case.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.cases.workflow import FINAL_STAGES, Stage
from enlist.vault.fields import EncryptedField, KeyBinding
from enlist.vault.storage import EncryptedFileField


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    IMPORT = "import", _("Import")


STAGE_CHOICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in Stage]


class ApplicationQuerySet(models.QuerySet):
    """Applications come with their data key (one join), so a page of cases opens its
    personal fields without a query per row."""

    def only(self, *fields: str) -> ApplicationQuerySet:
        if any(f.split("__")[0] in ("data_key", "data_key_id") for f in fields):
            return super().only(*fields)
        # The key's id is always loaded (a row's values cannot be sealed or opened without
        # it), but not joined: a locking query then locks the application row alone.
        clone = super().only(*fields, "data_key")
        clone.query.select_related = _without_data_key(clone.query.select_related)
        return clone

    def defer(self, *fields: str | None) -> ApplicationQuerySet:
        # defer(None) clears the deferred fields (Django's documented call); the stubs want str
        clone = super().defer(*fields)  # type: ignore[arg-type]
        if any(f and f.split("__")[0] in ("data_key", "data_key_id") for f in fields):
            clone.query.select_related = _without_data_key(clone.query.select_related)
        return clone


def _without_data_key(related: dict | bool) -> dict | bool:
    # A column both deferred and joined is an error in Django: drop the join instead.
    if isinstance(related, dict) and "data_key" in related:
        related = {name: nested for name, nested in related.items() if name != "data_key"}
        return related or False
    return related


class ApplicationManager(models.Manager.from_queryset(ApplicationQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> ApplicationQuerySet:
        return super().get_queryset().select_related("data_key")


class Application(models.Model):
    """One volunteer's application at one mission, carried from submission to a final stage."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        "vault.DataKey",
        on_delete=models.PROTECT,
        related_name="application",
        help_text="This volunteer's data key: every personal field and file is sealed with it.",
    )
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, related_name="applications"
    )
    nationality = models.ForeignKey(
        "missions.Country", on_delete=models.PROTECT, related_name="applications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The interface language the volunteer wrote in (one of settings.LANGUAGES), blank when
    # unknown: their emails, pages and documents follow it (cases/languages.py).
    language = models.CharField(max_length=8, blank=True, default="")
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES, default=Stage.SUBMITTED)
    held_from = models.CharField(max_length=12, choices=STAGE_CHOICES, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    # Consent per channel. consent_at None: "to be confirmed" (a mail draft completed by a
    # clerk, an imported row); the workflow keeps such a case from moving past screening.
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_channel = models.CharField(
        max_length=10, choices=Channel.choices, blank=True, help_text="Where consent was given."
    )
    consent_wording = models.CharField(
        max_length=20, blank=True, help_text="Version of the consent text read out or shown."
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member who read the consent out and recorded the answer.",
    )
    advisory_acknowledged_at = models.DateTimeField(null=True, blank=True)
    import_row = models.PositiveIntegerField(
        null=True, blank=True, help_text="Row of the spreadsheet an imported case came from."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The clerk who recorded a phone, email or walk-in contact.",
    )

    reference = EncryptedField()
    given_name = EncryptedField()
    family_name = EncryptedField()
    given_name_native = EncryptedField(null=True)
    family_name_native = EncryptedField(null=True)
    date_of_birth = EncryptedField(kind="date")
    residence_country = EncryptedField()
    email = EncryptedField()
    phone = EncryptedField(null=True)
    passport_number = EncryptedField(null=True)
    languages = EncryptedField(kind="json")
    # {"years", "branch", "last_rank", "combat_deployments", "peacekeeping", "specialties"}
    military_experience = EncryptedField(kind="json")

    objects = ApplicationManager()
    vault_binding = KeyBinding(key="data_key")

    class Meta:
        ordering = ["-submitted_at"]
        base_manager_name = "objects"
        indexes = [
            # case list: a mission's cases by stage, newest first
            models.Index(
                fields=["mission", "stage", "-submitted_at"], name="application_mission_stage"
            ),
            # case list filtered by days waiting (stage_changed_at range)
            models.Index(fields=["stage", "stage_changed_at"], name="application_stage_waiting"),
            # a mission's interview queue (interviews/selectors.py: waiting_queue), longest
            # waiting first, read only as far as the page shown
            models.Index(
                fields=["mission", "stage", "stage_changed_at", "id"],
                name="application_mission_waiting",
            ),
            # The case list's keyset pages (cases/selectors.py: application_page) read one
            # index range in list order, newest first with the id as tie-break:
            # HQ's whole list (and the days-waiting filter, read in this order)
            models.Index(fields=["-submitted_at", "id"], name="application_newest"),
            # a mission's list (every mission role's scope)
            models.Index(
                fields=["mission", "-submitted_at", "id"], name="application_mission_newest"
            ),
            # HQ's list by stage, by nationality; a mission's by nationality
            models.Index(fields=["stage", "-submitted_at", "id"], name="application_stage_newest"),
            models.Index(
                fields=["nationality", "-submitted_at", "id"], name="application_nation_newest"
            ),
            models.Index(
                fields=["mission", "nationality", "-submitted_at"],
                name="application_mission_nation",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.pk}"

    @property
    def current_stage(self) -> Stage:
        return Stage(self.stage)

    @property
    def held_from_stage(self) -> Stage | None:
        return Stage(self.held_from) if self.held_from else None

    @property
    def is_open(self) -> bool:
        return self.current_stage not in FINAL_STAGES

    @property
    def consent_confirmed(self) -> bool:
        return self.consent_at is not None

    @property
    def is_erased(self) -> bool:
        """The data key was destroyed: no personal field of this case can be read any more."""
        return self.data_key.is_destroyed

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def native_name(self) -> str:
        return " ".join(p for p in (self.given_name_native, self.family_name_native) if p)


class StageChange(models.Model):
    """One move of an application between stages: who, when, from, to and why.

    Kept when the case is erased (stages, dates and roles are what statistics count); the
    reason, sealed with the volunteer's key, is then cleared.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    # Names the row in the reason's associated data: the integer pk is unknown before insert.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    from_stage = models.CharField(max_length=12, choices=STAGE_CHOICES, blank=True)
    to_stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=16, help_text="'applicant' when the volunteer acted")
    reason = EncryptedField(null=True)  # free text may name people
    at = models.DateTimeField(default=timezone.now)

    vault_binding = KeyBinding(key="application.data_key", row="uid")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="stagechange_application_at")]

    def __str__(self) -> str:
        return f"{self.from_stage or '∅'} → {self.to_stage}"


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    MILITARY_ID = "military_id", _("Military ID")
    DISCHARGE_PAPERS = "discharge_papers", _("Discharge papers")
    SERVICE_RECORD = "service_record", _("Service record")
    MEDICAL = "medical", _("Medical certificate")
    OTHER = "other", _("Other")


class Verification(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def _document_path(instance: Document, filename: str) -> str:
    # Random: neither the volunteer's name nor the uploaded file name reaches the disk.
    return f"documents/{uuid.uuid4().hex}"


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = EncryptedFileField(upload_to=_document_path, max_length=200)
    original_name = EncryptedField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    vault_binding = KeyBinding(key="application.data_key")

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.kind} document {self.pk}"


class LookupDigest(models.Model):
    """Keyed HMAC of a normalised identifier, so exact search never reads a plaintext column.

    One row per (application, identifier): reference, each name form, passport, email, phone.
    Used by ``cases.selectors.application_search`` through the ``lookupdigest_digest`` index.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="digests")
    digest = models.BinaryField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["digest"], name="lookupdigest_digest")]

    def __str__(self) -> str:
        return f"digest #{self.pk}"


class Transfer(models.Model):
    """One move of a case from one mission to another, decided by HQ (``cases/transfer.py``).

    The case's history, documents, verdicts, visa record and duplicate links stay with it;
    from the move on the receiving mission's staff see it and the sending mission's do not.
    The reason, free text that may name people, is sealed with the volunteer's key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transfers")
    from_mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, related_name="+")
    to_mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedField(null=True)
    at = models.DateTimeField(default=timezone.now)

    vault_binding = KeyBinding(key="application.data_key")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # a case's transfers in order (case page, API)
            models.Index(fields=["application", "at"], name="transfer_application_at"),
        ]
        constraints = [
            models.CheckConstraint(
                name="transfer_to_another_mission",
                condition=~models.Q(from_mission=models.F("to_mission")),
            )
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk}"


class SavedFilter(models.Model):
    """A staff member's named filter of the case list (stage, mission, nationality, days
    waiting). Only those filters: a search term (a name, a passport) is never saved."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(max_length=60)
    stage = models.CharField(max_length=12, blank=True)
    mission = models.CharField(max_length=40, blank=True)
    nationality = models.CharField(max_length=2, blank=True)
    waiting_days = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedfilter_user_name"),
        ]

    def __str__(self) -> str:
        return f"saved filter {self.pk}"
