"""Mail intake: each mission's intake mailbox, the drafts mail opens, the messages and files.

A message that reaches a mission's intake address opens a ``MailDraft`` (or joins the draft
of its thread). A draft is not an application: it holds what the volunteer wrote until a
clerk completes it into one (``intake.services.application_submit``, channel ``email``,
consent to be confirmed), or the volunteer completes the public form from the link in the
acknowledgement. Every personal value, the raw message and each attachment are sealed with
the draft's own data key, which the application keeps when the draft is completed: erasing
the case erases its mail. See docs/adr/0009-mail-drafts.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.vault.fields import EncryptedField, KeyBinding
from enlist.vault.storage import EncryptedFileField


def _random_path(instance: models.Model, filename: str) -> str:
    # Random: neither the sender nor a file name reaches the disk.
    return f"mail/{uuid.uuid4().hex}"


class Mailbox(models.Model):
    """A mission's intake address, and the IMAP mailbox `enlist mail poll` reads for it
    (missions that cannot route their mail to `enlist mail serve`). The IMAP password is
    never stored: ``imap_password_env`` names the environment variable (or ``NAME_FILE``)."""

    mission = models.OneToOneField(
        "missions.Mission", on_delete=models.CASCADE, related_name="mailbox"
    )
    address = models.CharField(max_length=254, unique=True, help_text="e.g. vilnius@intake.example")
    imap_host = models.CharField(max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_ssl = models.BooleanField(default=True)
    imap_user = models.CharField(max_length=200, blank=True)
    imap_password_env = models.CharField(max_length=100, blank=True)
    imap_folder = models.CharField(max_length=200, default="INBOX")

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs) -> None:
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)


class DraftStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a clerk")
    REVIEW = "review", _("Kept for review")
    COMPLETED = "completed", _("Completed into an application")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    REPLY = "reply", _("Reply in the thread")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Delivery failure notice")
    OVERSIZED = "oversized", _("Over the size limit")
    MALFORMED = "malformed", _("Malformed")


class MailDraft(models.Model):
    """What one correspondent wrote to a mission, until it becomes an application."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=DraftStatus.choices, default=DraftStatus.OPEN)
    sender = EncryptedField(null=True)
    # Blind index of the sender's address: the public form completing the draft finds it.
    sender_digest = models.BinaryField(max_length=32, null=True)
    subject = EncryptedField(null=True)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    vault_binding = KeyBinding(key="data_key")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # the clerk's queue: a mission's open drafts, newest first
            models.Index(fields=["mission", "status", "-created_at"], name="maildraft_queue"),
            # the public form completing a volunteer's drafts (drafts_complete_by_form)
            models.Index(fields=["sender_digest"], name="maildraft_sender"),
        ]

    def __str__(self) -> str:
        return f"mail draft {self.pk}"


class InboundMessage(models.Model):
    """One received message, as it arrived (sealed) and as read (sender, subject, text)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(MailDraft, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    received_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=8, help_text="smtp, lmtp or imap")
    size = models.PositiveIntegerField()
    # Blind index of the Message-ID: a retried delivery or a re-polled mailbox is stored once.
    message_id_digest = models.BinaryField(max_length=32, null=True)
    sender = EncryptedField(null=True)
    subject = EncryptedField(null=True)
    body = EncryptedField(null=True)
    raw = EncryptedFileField(upload_to=_random_path, max_length=200)
    acknowledged = models.BooleanField(default=False)

    vault_binding = KeyBinding(key="draft.data_key")

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["message_id_digest"], name="inboundmessage_msgid")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class ThreadKey(models.Model):
    """Digest of a Message-ID in a draft's thread (received, or our acknowledgement's): a
    reply naming one in In-Reply-To or References joins that draft."""

    draft = models.ForeignKey(MailDraft, on_delete=models.CASCADE, related_name="thread_keys")
    digest = models.BinaryField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["digest"], name="threadkey_digest")]

    def __str__(self) -> str:
        return f"thread key #{self.pk}"


class MailAttachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    draft = models.ForeignKey(MailDraft, on_delete=models.CASCADE, related_name="attachments")
    file = EncryptedFileField(upload_to=_random_path, max_length=200)
    original_name = EncryptedField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    document = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    vault_binding = KeyBinding(key="draft.data_key")

    def __str__(self) -> str:
        return f"attachment {self.pk}"
