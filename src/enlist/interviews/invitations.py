"""Email about interviews: invitations (with an .ics), updates, cancellations and reminders.

Applicant email is discreet: the neutral sender of the settings, a neutral subject, and a body
that holds only a signed, expiring link (``enlist.core.links``) to the appointment page; the
attached calendar entry says "Appointment" and links to the same page. The panel's email
links to the staff page of the case, one message per language its members read (each staff
member's own, ``StaffUser.language``). The sending functions run in the worker
(``interviews/jobs.py``): the booking's transaction queues a job, so no email announces a
booking that was rolled back and none is lost once it commits; a failure to send is retried
with backoff. Each message is sent once per interview version and recipient
(``mail_send_once``): a job that runs twice sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from email.utils import parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enlist.cases.languages import application_language
from enlist.core.links import link_token, public_url
from enlist.interviews.ics import IcsEvent, ics_cancel, ics_request
from enlist.interviews.models import Interview
from enlist.jobs.mail import mail_send_once

logger = logging.getLogger(__name__)

LINK_PURPOSE = "interview"
LINK_MAX_AGE = datetime.timedelta(days=45)
ICS_NAME = "invite.ics"


def applicant_link(interview: Interview) -> str:
    """The signed link to the appointment page; it carries only the interview's opaque id."""
    token = link_token(LINK_PURPOSE, str(interview.pk))
    # In the query string: the request log writes paths only, so the token stays out of it.
    return public_url(f"{reverse('interview-invitation')}?{urlencode({'t': token})}")


def _organizer() -> tuple[str, str]:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or address, address


def _event(interview: Interview, *, summary: str, description: str, attendees: tuple[str, ...]):
    name, address = _organizer()
    return IcsEvent(
        uid=interview.ics_uid,
        sequence=interview.sequence,
        start=interview.start,
        end=interview.end,
        timezone=interview.mission.timezone,
        summary=summary,
        description=description,
        organizer_email=address,
        organizer_name=name,
        attendees=attendees,
        stamp=timezone.now(),
    )


def _send(message: EmailMessage, what: str, interview: Interview, *, to: str) -> bool:
    """Send once per (interview, version, what, recipient group); a failure raises, and the
    job retries it."""
    return mail_send_once(message, key=f"interview:{interview.pk}:{interview.sequence}:{what}:{to}")


def _load(interview_pk) -> Interview | None:
    return (
        Interview.objects.select_related(
            "application", "mission", "attache", "consul", "venue", "interpreter"
        )
        .filter(pk=interview_pk)
        .first()
    )


def _applicant_message(interview: Interview, *, kind: str) -> EmailMessage | None:
    application = interview.application
    if application.is_erased or not application.email:
        return None
    link = applicant_link(interview)
    with translation.override(application_language(application)):
        if kind == "cancel":
            subject = _("Your appointment has been cancelled")
            body = _(
                "Your appointment has been cancelled. Details:\n%(link)s\n\n"
                "This link expires in %(days)d days."
            )
        elif kind == "reminder":
            subject = _("Reminder: your appointment tomorrow")
            body = _(
                "This is a reminder of your appointment. Details:\n%(link)s\n\n"
                "This link expires in %(days)d days."
            )
        else:
            subject = (
                _("Your appointment")
                if interview.sequence == 0
                else _("Your appointment has changed")
            )
            body = _(
                "An appointment has been arranged for you. See its date and time, and confirm "
                "it, ask for another time or withdraw, here:\n%(link)s\n\n"
                "This link expires in %(days)d days."
            )
        body = body % {"link": link, "days": LINK_MAX_AGE.days}
        event = _event(
            interview,
            summary=_("Appointment"),
            description=link,
            attendees=(application.email,),
        )
    message = EmailMessage(subject=subject, body=body, to=[application.email])
    if kind != "reminder":
        ics = ics_cancel(event) if kind == "cancel" else ics_request(event)
        method = "CANCEL" if kind == "cancel" else "REQUEST"
        message.attach(ICS_NAME, ics, f"text/calendar; charset=utf-8; method={method}")
    return message


def _panel_by_language(interview: Interview) -> dict[str, list[str]]:
    """The panel's addresses by the language each reads: the attaché's and the consul's own
    choice; an interpreter (no account) the site's default."""
    readers: dict[str, list[str]] = {}
    for member in (interview.attache, interview.consul):
        if member.email:
            readers.setdefault(member.mail_language, []).append(member.email)
    interpreter = interview.interpreter
    if interpreter is not None and interpreter.email:
        readers.setdefault(settings.LANGUAGE_CODE, []).append(interpreter.email)
    return readers


def _panel_messages(interview: Interview, *, kind: str) -> list[tuple[str, EmailMessage]]:
    """One message per language the panel reads (the group's name, the message); every
    attendee is in each calendar entry, so the entries agree."""
    readers = _panel_by_language(interview)
    attendees = tuple(address for group in readers.values() for address in group)
    link = public_url(reverse("interview-case", args=[interview.application_id]))
    local = timezone.localtime(interview.start, _zone(interview))
    when = local.strftime("%Y-%m-%d %H:%M")
    method = "CANCEL" if kind == "cancel" else "REQUEST"
    messages = []
    for language, recipients in sorted(readers.items()):
        with translation.override(language):
            if kind == "cancel":
                subject = _("Interview cancelled: %(when)s") % {"when": when}
            else:
                subject = _("Interview booked: %(when)s") % {"when": when}
            body = _("Interview at %(when)s (%(zone)s), %(venue)s.\nThe case: %(link)s") % {
                "when": when,
                "zone": interview.mission.timezone,
                "venue": interview.venue.name,
                "link": link,
            }
            summary = _("Interview")
        event = _event(interview, summary=summary, description=link, attendees=attendees)
        ics = ics_cancel(event) if kind == "cancel" else ics_request(event)
        message = EmailMessage(subject=subject, body=body, to=recipients)
        message.attach(ICS_NAME, ics, f"text/calendar; charset=utf-8; method={method}")
        # Readers of the default language keep the key of the single message sent before
        # the panel had languages: a retry across that change sends nothing twice.
        group = "panel" if language == settings.LANGUAGE_CODE else f"panel:{language}"
        messages.append((group, message))
    return messages


def _zone(interview: Interview):
    import zoneinfo

    return zoneinfo.ZoneInfo(interview.mission.timezone)


def _current(interview_pk, sequence: int | None) -> Interview | None:
    """The interview if it still is at the version the job was queued for (a later version
    has its own job: the calendar entry keeps its UID and takes the higher SEQUENCE)."""
    interview = _load(interview_pk)
    if interview is None or (sequence is not None and interview.sequence != sequence):
        return None
    return interview


def send_invitation(interview_pk, *, sequence: int | None = None) -> int:
    """Email the applicant and both panel members the (new or updated) invitation."""
    interview = _current(interview_pk, sequence)
    if interview is None or not interview.holds_slot:
        return 0
    sent = 0
    for to, message in (
        ("applicant", _applicant_message(interview, kind="invite")),
        *_panel_messages(interview, kind="invite"),
    ):
        if message is not None and _send(message, "invitation", interview, to=to):
            sent += 1
    return sent


def send_cancellation(interview_pk, *, applicant: bool = True, sequence: int | None = None) -> int:
    """METHOD:CANCEL to the applicant (unless `applicant` is False) and the panel."""
    interview = _current(interview_pk, sequence)
    if interview is None:
        return 0
    sent = 0
    for to, message in (
        ("applicant", _applicant_message(interview, kind="cancel") if applicant else None),
        *_panel_messages(interview, kind="cancel"),
    ):
        if message is not None and _send(message, "cancellation", interview, to=to):
            sent += 1
    return sent


def send_reminder(interview_pk, *, sequence: int | None = None) -> bool:
    """The applicant's reminder, if the interview still holds that slot."""
    interview = _current(interview_pk, sequence)
    if interview is None or not interview.holds_slot:
        return False
    message = _applicant_message(interview, kind="reminder")
    return message is not None and _send(message, "reminder", interview, to="applicant")


def mail_queue(what: str, interview: Interview, **extra: bool) -> None:
    """Queue the `what` email (invitation, cancellation, reminder) of the interview as it
    now stands, in the caller's transaction: sent by the worker once that commits."""
    from enlist.jobs.services import job_enqueue

    job_enqueue(
        kind=f"mail.interview_{what}",
        payload={"interview": str(interview.pk), "sequence": interview.sequence, **extra},
        dedupe_key=f"mail.interview_{what}:{interview.pk}:{interview.sequence}",
    )
