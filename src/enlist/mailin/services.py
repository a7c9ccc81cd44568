"""Mail intake: receiving a message into a draft, acknowledging it, completing a draft.

``mail_receive`` is the one door for mail, whether it came through ``enlist mail serve``
(SMTP/LMTP) or ``enlist mail poll`` (IMAP). For each recipient that is a mission's intake
address, in one transaction:

1. The message is read (``mailin.parse``, which never raises). It is stored whatever it is:
   its raw bytes sealed with the draft's data key, the sender, subject and text sealed too.
   Nothing is dropped; nothing of it is stored in plaintext.
2. A message naming a known Message-ID (``In-Reply-To``/``References``: one received, or our
   acknowledgement's) joins that thread's draft; a new one opens a draft (``open``), and a
   bounce, an automatic reply, an oversized or malformed message with no thread opens one
   kept for ``review``. A Message-ID already stored for the mission is a retried delivery or
   a re-polled mailbox: stored once.
3. Attachments are stored encrypted with the draft's key.
4. The first message of a thread that ``parse`` calls answerable gets one neutral
   acknowledgement with the public form link, in the message's language (en, uk, es;
   English when it cannot be told), marked ``Auto-Submitted: auto-replied`` so that
   well-behaved responders never answer it. It is queued in the storing transaction (job
   ``mail.intake_acknowledgement``, the message's id only) and sent once by the worker
   (``acknowledgement_send``), with retries.

A clerk completes a draft into an application (``draft_complete``: the contract's validation,
``application_submit`` with channel ``email``, consent to be confirmed, the draft's data key,
attachments copied as the case's documents). A volunteer who completes the public form from
the acknowledgement's link completes their open drafts in that mission
(``drafts_complete_by_form``, an intake arrival handler).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import CONTACT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Application, Channel, Document, DocumentKind
from enlist.core.links import public_url
from enlist.errors import Conflict, NotPermitted
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import Consent, application_submit
from enlist.jobs.mail import mail_send_once
from enlist.jobs.services import job_enqueue
from enlist.mailin.models import (
    DraftStatus,
    InboundMessage,
    MailAttachment,
    Mailbox,
    MailDraft,
    MessageKind,
    ThreadKey,
)
from enlist.mailin.parse import (
    ACK_HEADER,
    KIND_MESSAGE,
    ReadMessage,
    read_message,
)
from enlist.vault.keyring import blind_indexer
from enlist.vault.normalise import normalise_email
from enlist.vault.services import data_key_create

ACK_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class Received:
    message: InboundMessage
    new_draft: bool
    acknowledged: bool  # an acknowledgement will be sent after commit


def mailbox_for(address: str) -> Mailbox | None:
    return Mailbox.objects.select_related("mission").filter(address=address.strip().lower()).first()


def _digest(kind: str, value: str) -> bytes:
    return blind_indexer().digest(kind, value)


def _msgid_digest(message_id: str) -> bytes:
    return _digest("mail-message-id", message_id.strip().lower())


def sender_digest(address: str) -> bytes:
    return _digest("mail-sender", normalise_email(address))


def mail_receive(
    *, raw: bytes, recipients: list[str], envelope_sender: str | None, via: str
) -> list[Received]:
    """Store `raw` for every recipient that is an intake address; see the module docstring.

    Recipients that are no intake address are skipped (the listener refuses them at RCPT).
    """
    read = read_message(
        raw, envelope_sender=envelope_sender, max_bytes=settings.ENLIST_MAIL_MAX_BYTES
    )
    results = []
    for address in dict.fromkeys(r.strip().lower() for r in recipients):
        mailbox = mailbox_for(address)
        if mailbox is not None:
            results.append(_receive_one(raw=raw, read=read, mailbox=mailbox, via=via))
    return results


@transaction.atomic
def _receive_one(*, raw: bytes, read: ReadMessage, mailbox: Mailbox, via: str) -> Received:
    mission = mailbox.mission
    msgid = _msgid_digest(read.message_id) if read.message_id else None
    if msgid is not None:
        stored = (
            InboundMessage.objects.filter(message_id_digest=msgid, draft__mission=mission)
            .select_related("draft")
            .first()
        )
        if stored is not None:
            return Received(stored, new_draft=False, acknowledged=False)
    draft = _thread_draft(read, mission)
    new_draft = draft is None
    if draft is None:
        draft = MailDraft(
            data_key=data_key_create(),
            mission=mission,
            status=DraftStatus.OPEN if read.kind == KIND_MESSAGE else DraftStatus.REVIEW,
            sender=read.sender or None,
            sender_digest=sender_digest(read.sender) if read.sender else None,
            subject=read.subject or None,
            language=read.language,
        )
        draft.save(force_insert=True)
    kind = read.kind
    if not new_draft and kind == KIND_MESSAGE:
        kind = MessageKind.REPLY
    message = InboundMessage(
        draft=draft,
        kind=kind,
        via=via,
        size=len(raw),
        message_id_digest=msgid,
        sender=read.sender or None,
        subject=read.subject or None,
        body=read.body or None,
    )
    message.raw.save("raw", ContentFile(raw), save=False)
    acknowledge = new_draft and read.answerable
    message.acknowledged = acknowledge
    message.save(force_insert=True)
    for attachment in read.attachments:
        attachment_row = MailAttachment(
            message=message,
            draft=draft,
            original_name=attachment.name[:200],
            content_type=attachment.content_type[:100],
            size=len(attachment.content),
        )
        attachment_row.file.save("attachment", ContentFile(attachment.content), save=False)
        attachment_row.save(force_insert=True)
    keys = [msgid] if msgid is not None else []
    ack_id = acknowledgement_message_id(message) if acknowledge else ""
    if ack_id:
        keys.append(_msgid_digest(ack_id))
    ThreadKey.objects.bulk_create(ThreadKey(draft=draft, digest=k) for k in keys)
    audit_record(
        actor=None,
        actor_role="system",
        action=AuditAction.CREATE,
        target=("mail_draft", str(draft.pk)),
        detail={
            "via": via,
            "channel": Channel.EMAIL.value,
            "mission": mission.code,
            "draft": str(draft.pk),
            "message": str(message.pk),
            "kind": str(kind),
            "count": len(read.attachments),
        },
    )
    if acknowledge:
        # Queued in this transaction: the worker sends it once the message is stored.
        job_enqueue(kind="mail.intake_acknowledgement", payload={"message": str(message.pk)})
    return Received(message, new_draft=new_draft, acknowledged=acknowledge)


def _thread_draft(read: ReadMessage, mission) -> MailDraft | None:
    if not read.references:
        return None
    digests = [_msgid_digest(r) for r in read.references]
    key = (
        ThreadKey.objects.filter(digest__in=digests, draft__mission=mission)
        .select_related("draft")
        .order_by("pk")
        .first()
    )
    return key.draft if key else None


def _mail_domain() -> str:
    sender = str(settings.DEFAULT_FROM_EMAIL)
    return sender.rsplit("@", 1)[-1].rstrip(">").strip() or "localhost"


def acknowledgement_message_id(message: InboundMessage) -> str:
    """The Message-ID of the acknowledgement of `message`: fixed when the message is stored
    (its thread key), the same however often the job runs."""
    return f"<ack.{message.pk.hex}@{_mail_domain()}>"


def acknowledgement_send(*, message_id: str) -> bool:
    """Send the acknowledgement of a stored first message (a job; once per message).

    Neutral: no word of what the mission does. What it answers (sender, subject, Message-ID,
    language) is read again from the sealed message, so the queue holds only its id. A
    failure raises: the worker retries it.
    """
    message = (
        InboundMessage.objects.select_related("draft__mission__mailbox")
        .filter(pk=message_id, acknowledged=True)
        .first()
    )
    if message is None:
        return False
    with message.raw.open("rb") as stored:
        raw = stored.read()
    read = read_message(raw, envelope_sender=None, max_bytes=len(raw) + 1)
    if not read.sender:
        return False
    language = message.draft.language
    with translation.override(language if language in ACK_LANGUAGES else "en"):
        body = gettext(
            "Hello,\n\nThank you for your message: we have received it and will answer. "
            "To give us your details now, please complete this form:\n\n%(link)s\n\n"
            "This is an automatic reply. Please do not forward this message.\n"
        ) % {"link": public_url(reverse("apply"))}
        title = gettext("We have received your message")
    headers = {
        "Message-ID": acknowledgement_message_id(message),
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        ACK_HEADER: "1",
    }
    if read.message_id:
        headers["In-Reply-To"] = read.message_id
        headers["References"] = read.message_id
    subject = read.subject
    reply_subject = f"Re: {subject}" if subject and not subject.lower().startswith("re:") else ""
    answer = EmailMessage(
        subject=reply_subject or title,
        body=body,
        to=[read.sender],
        reply_to=[message.draft.mission.mailbox.address],
        headers=headers,
    )
    return mail_send_once(answer, key=f"mail-ack:{message.pk}")


# --- completing drafts ------------------------------------------------------------------


def draft_access(*, user: StaffUser, draft_id: uuid.UUID | str) -> MailDraft:
    """A draft of the user's mission (HQ: any); NotFound for others and for none alike."""
    from enlist.errors import NotFound

    if user.staff_role not in CONTACT_ROLES:
        raise NotFound()
    try:
        query = MailDraft.objects.filter(pk=uuid.UUID(str(draft_id)))
    except ValueError:
        raise NotFound() from None
    if user.mission_id is not None:
        query = query.filter(mission_id=user.mission_id)
    draft = query.select_related("mission", "data_key").first()
    if draft is None:
        raise NotFound()
    return draft


@transaction.atomic
def draft_complete(*, draft: MailDraft, data: ApplicationIn, actor: StaffUser) -> Application:
    """Turn a draft into an application through the one intake path (channel email, consent
    to be confirmed, the draft's data key); its attachments become the case's documents."""
    if actor.staff_role not in CONTACT_ROLES:
        raise NotPermitted("This role may not record applications.")
    locked = MailDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.status == DraftStatus.COMPLETED:
        raise Conflict("This mail was already completed into an application.")
    application = application_submit(
        data=data,
        channel=Channel.EMAIL,
        actor=actor,
        consent=Consent.to_be_confirmed(),
        data_key=locked.data_key,
        language=locked.language,
    ).application
    for attachment in locked.attachments.filter(document__isnull=True):
        with attachment.file.open("rb") as f:
            content = f.read()
        document = Document(
            application=application,
            kind=DocumentKind.OTHER,
            original_name=attachment.original_name,
            content_type=attachment.content_type,
            size=attachment.size,
            uploaded_by=actor,
        )
        document.file.save("upload", ContentFile(content), save=False)
        document.save(force_insert=True)
        attachment.document = document
        attachment.save(update_fields=["document"])
    _close(locked, application, actor)
    return application


def _close(draft: MailDraft, application: Application, actor: StaffUser | None) -> None:
    draft.status = DraftStatus.COMPLETED
    draft.application = application
    draft.completed_by = actor
    draft.completed_at = timezone.now()
    draft.save(update_fields=["status", "application", "completed_by", "completed_at"])
    audit_record(
        actor=actor,
        actor_role=None if actor else "applicant",
        action=AuditAction.CHANGE,
        target=application,
        detail={"change": "mail_draft_complete", "draft": str(draft.pk)},
    )


_DRAFT_TABLE = MailDraft._meta.db_table


def drafts_complete_by_form(application: Application) -> None:
    """Intake arrival handler: the volunteer completed the public form with the address they
    wrote from; their open drafts in that mission are completed by it."""
    if application.channel != Channel.WEB or not application.email:
        return
    # Asked by hand, ids only: this runs in every web submission's transaction and almost
    # always finds nothing, and the ORM's building of a select of every draft column cost
    # more than the statement. The rows found (locked here) are then loaded as models.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {_DRAFT_TABLE} WHERE mission_id = %s AND status = %s "  # noqa: S608  # nosec B608  # table name from model metadata, values bound
            f"AND sender_digest = %s{lock}",
            [application.mission_id, DraftStatus.OPEN.value, sender_digest(application.email)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return
    for draft in MailDraft.objects.filter(pk__in=ids).order_by("pk"):
        _close(draft, application, None)
