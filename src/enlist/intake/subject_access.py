"""Subject access: an applicant gets a copy of their own data, by email, behind a signed link.

``subject_access_request``: the applicant types their reference and email. The pair is looked
up through the blind indexes only (no plaintext is read to compare), and the answer to the
person asking is always the same, found or not, so the page cannot be used to learn whether
someone applied. When both match one application, a neutral email carries a signed link
(``core/links.py``, purpose ``subject-access``) valid for ``ENLIST_SUBJECT_ACCESS_HOURS``.
``subject_access_export`` gives the data behind the link as a JSON-ready dict: every personal
field, the stage history (staff appear by role only), the documents list. Both the request
and the download are recorded in the audit trail (action ``subject_access``, step
``request`` / ``download``; no personal value). A case erased since says so.

Requests are rate-limited per client address (``ENLIST_SUBJECT_ACCESS_PER_HOUR``), and at
most ``EMAILS_PER_APPLICATION_PER_DAY`` emails go to one applicant a day (from any number of
addresses), counted by the shared counters (``core/counters.py``: the database, or Redis),
atomically, so every server process and machine counts together and none undercounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Application, LookupDigest
from enlist.cases.reference import parse_reference
from enlist.core.counters import counter_hit
from enlist.core.links import LinkInvalid, link_token, link_value, public_url
from enlist.errors import EnlistError
from enlist.jobs.context import current_job_id
from enlist.jobs.mail import mail_send_once
from enlist.jobs.services import job_enqueue
from enlist.vault.keyring import blind_indexer
from enlist.vault.normalise import normalise_email, normalise_reference

PURPOSE = "subject-access"
FORMAT_VERSION = 1


class TooManyRequests(EnlistError):
    status = 429


EMAILS_PER_APPLICATION_PER_DAY = 3  # more would let anyone flood an applicant's inbox


def _count(name: str, *, seconds: int) -> int:
    return counter_hit(f"subject-access:{name}", seconds=seconds)


def _rate_limit(client: str) -> None:
    if _count(f"client:{client}", seconds=3600) > settings.ENLIST_SUBJECT_ACCESS_PER_HOUR:
        raise TooManyRequests("Too many requests from your connection. Try again in an hour.")


def _matching_application(*, reference: str, email: str) -> Application | None:
    canonical = parse_reference(reference)
    address = normalise_email(email)
    if not canonical or not address:
        return None
    indexer = blind_indexer()
    by_reference = LookupDigest.objects.filter(
        digest=indexer.digest("reference", normalise_reference(canonical))
    ).values_list("application_id", flat=True)
    by_email = LookupDigest.objects.filter(
        digest=indexer.digest("email", address), application_id__in=list(by_reference)
    ).values_list("application_id", flat=True)
    application_id = next(iter(by_email), None)
    if application_id is None:
        return None
    return Application.objects.select_related("data_key").filter(pk=application_id).first()


def subject_access_request(*, reference: str, email: str, client: str) -> None:
    """Send the copy link if reference and email name one application; tell nobody whether.

    Raises TooManyRequests past the hourly limit for `client` (an address), and nothing else.
    """
    _rate_limit(client)
    application = _matching_application(reference=reference[:40], email=email[:254])
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.SUBJECT_ACCESS,
            target=application,
            detail={"via": "web", "step": "request", "count": 0 if application is None else 1},
        )
        if application is None or application.is_erased:
            return
        if _count(f"application:{application.pk}", seconds=86400) > (
            EMAILS_PER_APPLICATION_PER_DAY
        ):
            return  # the same answer; the links already sent still work
        # The worker sends it once this commits (intake/jobs.py), in the page's language.
        job_enqueue(
            kind="mail.subject_access",
            payload={"application": str(application.pk), "language": translation.get_language()},
        )


def subject_access_send(*, application_id: str, language: str | None) -> bool:
    """Email the signed download link to the application's stored address (a job, sent once:
    ``mail_send_once`` keyed by the job). False when there is nothing to send any more."""
    application = Application.objects.select_related("data_key").filter(pk=application_id).first()
    if application is None or application.is_erased or not application.email:
        return False
    token = link_token(PURPOSE, {"a": str(application.pk)})
    link = public_url(reverse("subject-access-download", args=[token]))
    hours = settings.ENLIST_SUBJECT_ACCESS_HOURS
    with translation.override(language or settings.LANGUAGE_CODE):
        message = EmailMessage(
            _("Your requested copy"),
            _(
                "You asked for a copy of the information we hold about you.\n\n"
                "Download it here (the link works for %(hours)d hours):\n%(link)s\n\n"
                "If you did not ask for it, you can ignore this message."
            )
            % {"hours": hours, "link": link},
            to=[application.email],
        )
    return mail_send_once(message, key=f"subject_access:{current_job_id()}")


def subject_access_export(*, token: str) -> dict[str, Any]:
    """The applicant's own data behind a link (LinkExpired / LinkInvalid otherwise)."""
    value = link_value(
        PURPOSE, token, max_age=timedelta(hours=settings.ENLIST_SUBJECT_ACCESS_HOURS)
    )
    application_id = value.get("a") if isinstance(value, dict) else None
    application = (
        Application.objects.select_related("data_key", "mission", "nationality")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise LinkInvalid(_("This link is not valid. Check that it was copied whole."))
    audit_record(
        actor=None,
        action=AuditAction.SUBJECT_ACCESS,
        target=application,
        detail={"via": "web", "step": "download"},
    )
    exported_at = timezone.now().isoformat()
    if application.is_erased:
        return {
            "format": FORMAT_VERSION,
            "exported_at": exported_at,
            "erased": True,
            "message": "Your personal data was erased; nothing of it can be read any more.",
            "erased_at": application.data_key.destroyed_at.isoformat(),
        }
    return {
        "format": FORMAT_VERSION,
        "exported_at": exported_at,
        "erased": False,
        "application": {
            "reference": application.reference,
            "submitted_at": application.submitted_at.isoformat(),
            "channel": application.channel,
            "mission": application.mission.name,
            "stage": application.stage,
            "given_name": application.given_name,
            "family_name": application.family_name,
            "given_name_native": application.given_name_native,
            "family_name_native": application.family_name_native,
            "date_of_birth": application.date_of_birth.isoformat(),
            "nationality": application.nationality_id,
            "residence_country": application.residence_country,
            "email": application.email,
            "phone": application.phone,
            "passport_number": application.passport_number,
            "languages": application.languages,
            "military_experience": application.military_experience,
            "consent_at": _iso(application.consent_at),
            "advisory_acknowledged_at": _iso(application.advisory_acknowledged_at),
        },
        # Staff appear by role only: the applicant learns what was done, not who did it.
        "history": [
            {
                "from_stage": change.from_stage or None,
                "to_stage": change.to_stage,
                "at": change.at.isoformat(),
                "by_role": change.actor_role,
                "reason": change.reason,
            }
            for change in application.history.all()
        ],
        "documents": [
            {
                "kind": document.kind,
                "original_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "uploaded_at": document.uploaded_at.isoformat(),
                "verification": document.verification,
            }
            for document in application.documents.all()
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
