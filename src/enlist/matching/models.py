"""Matching in the workflow: keyed blocking digests, candidate pairs, and persons.

Nothing here holds a personal value. ``MatchKey`` rows are keyed digests (HMAC) of the
engine's blocking terms; ``MatchCandidate`` names two applications, a probability and the
level of agreement of each field ("exact", "same name or nickname", ...); ``Person`` and
``PersonLink`` say which applications HQ confirmed to be one volunteer. The links live here,
not on ``cases.Application``: an application row and its history are never changed by matching.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.vault.fields import EncryptedField, KeyBinding


class MatchKey(models.Model):
    """Keyed digest of one blocking term of an application (``matching.keys``).

    Looked up through ``matchkey_digest`` when a new application arrives; deleted with the
    case's other digests when it is erased (``matching.signals``).
    """

    application = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    digest = models.BinaryField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["digest"], name="matchkey_digest"),
            # rewriting one application's keys
            models.Index(fields=["application"], name="matchkey_application"),
        ]

    def __str__(self) -> str:
        return f"match key #{self.pk}"


class MatchStatus(models.TextChoices):
    OPEN = "open", _("Under review")
    CONFIRMED = "confirmed", _("Confirmed: same person")
    DISMISSED = "dismissed", _("Dismissed: different people")
    LINKED = "linked", _("Linked automatically: every strong identifier equal")


class MatchModel(models.Model):
    """One version of the scoring parameters the workflow matches with; the newest is in use.

    ``parameters`` holds numbers only (m, u and r per field and level, the two priors): no
    value of any application. Version 0 is the engine's defaults and has no row.
    """

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    parameters = models.JSONField()
    # HQ decisions (confirmed + dismissed pairs) it was estimated from, in all
    decisions = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"match model v{self.version}"


class MatchCandidate(models.Model):
    """Two applications that are probably the same person, until HQ decides.

    The pair is order-independent: ``left`` is the application whose id sorts first, and
    (left, right) is unique, so a decided pair is found again however it is re-matched and is
    never proposed anew.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    left = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    # {field: {"level": agreement level, "weight": bits}}: levels and numbers, no values.
    evidence = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The MatchModel version that scored the pair (0: the engine's defaults).
    model_version = models.PositiveIntegerField(default=0)
    # A link (automatic or confirmed), to undo it: the links it created, the persons it
    # merged, the person's members afterwards and the open pairs it settled (ids only).
    undo = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="matchcandidate_pair"),
        ]
        indexes = [
            # HQ's queue: open pairs, highest probability first
            models.Index(fields=["status", "-probability"], name="matchcandidate_queue"),
            # a case page: the pairs an application is the right-hand side of
            models.Index(fields=["right", "status"], name="matchcandidate_right"),
        ]

    def __str__(self) -> str:
        return f"match candidate {self.pk}"

    @property
    def application_ids(self) -> tuple[uuid.UUID, uuid.UUID]:
        return (self.left_id, self.right_id)


class Person(models.Model):
    """One volunteer behind one or more applications, as HQ confirmed.

    The id is stable: when a confirmation joins two persons, the older one absorbs the
    younger, which keeps its row and points to the survivor through ``merged_into``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"person {self.pk}"


class PersonLink(models.Model):
    """An application belongs to a person (at most one)."""

    application = models.OneToOneField(
        "cases.Application", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.application_id} → {self.person_id}"


class MatchUndo(models.Model):
    """HQ undid a link, automatic or confirmed: which pair, what it was, who, when and why.

    The reason is free text staff typed about volunteers, so it may name people: it is sealed
    with the data key of the pair's first application (erased with that case) and only this
    row's id goes into the audit entry.
    """

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    candidate = models.ForeignKey(MatchCandidate, on_delete=models.CASCADE, related_name="undos")
    # the application whose data key seals the reason: the pair's ``left``
    application = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    undone = models.CharField(max_length=10, choices=MatchStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = EncryptedField()

    vault_binding = KeyBinding(key="application.data_key", row="uid")

    def __str__(self) -> str:
        return f"match undo {self.uid}"
