"""Email about interviews: invitations (with an .ics), updates, cancellations and reminders.

Applicant email is discreet: the neutral sender of the settings, a neutral subject, and a body
that holds only a signed, expiring link (``enlist.core.links``) to the appointment page; the
attached calendar entry says "Appointment" and links to the same page. The panel's email
links to the staff page of the case. Every function here is called after the booking's
transaction commits (``transaction.on_commit``), so no email announces a booking that was
rolled back; a failure to send is logged (without addresses) and does not undo the booking.
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

from enlist.core.links import link_token, public_url
from enlist.interviews.ics import IcsEvent, ics_cancel, ics_request
from enlist.interviews.models import Interview

logger = logging.getLogger(__name__)

LINK_PURPOSE = "interview"
LINK_MAX_AGE = datetime.timedelta(days=45)
ICS_NAME = "invite.ics"


def applicant_link(interview: Interview) -> str:
    """The signed link to the appointment page; it carries only the interview's opaque id."""
    token = link_token(LINK_PURPOSE, str(interview.pk))
    # In the query string: the request log writes paths only, so the token stays out of it.
    return public_url(f"{reverse('interview-invitation')}?{urlencode({'t': token})}")


def applicant_language(languages: list[str] | None) -> str:
    """The first of the applicant's languages the interface is translated into, else English."""
    available = {code for code, _name in settings.LANGUAGES}
    for code in languages or []:
        if code in available:
            return code
    return settings.LANGUAGE_CODE.split("-")[0]


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


def _send(message: EmailMessage, what: str, interview: Interview) -> bool:
    try:
        message.send()
    except Exception:  # email must never undo a booking; the operator sees the failure
        logger.exception("could not send %s for interview %s", what, interview.pk)
        return False
    return True


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
    with translation.override(applicant_language(application.languages)):
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


def _panel_message(interview: Interview, *, kind: str) -> EmailMessage | None:
    interpreter = interview.interpreter.email if interview.interpreter_id else ""
    recipients = tuple(
        e for e in (interview.attache.email, interview.consul.email, interpreter) if e
    )
    if not recipients:
        return None
    link = public_url(reverse("interview-case", args=[interview.application_id]))
    local = timezone.localtime(interview.start, _zone(interview))
    when = local.strftime("%Y-%m-%d %H:%M")
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
    event = _event(interview, summary=_("Interview"), description=link, attendees=recipients)
    ics = ics_cancel(event) if kind == "cancel" else ics_request(event)
    method = "CANCEL" if kind == "cancel" else "REQUEST"
    message = EmailMessage(subject=subject, body=body, to=list(recipients))
    message.attach(ICS_NAME, ics, f"text/calendar; charset=utf-8; method={method}")
    return message


def _zone(interview: Interview):
    import zoneinfo

    return zoneinfo.ZoneInfo(interview.mission.timezone)


def send_invitation(interview_pk) -> int:
    """Email the applicant and both panel members the (new or updated) invitation."""
    interview = _load(interview_pk)
    if interview is None or not interview.holds_slot:
        return 0
    sent = 0
    for message in (
        _applicant_message(interview, kind="invite"),
        _panel_message(interview, kind="invite"),
    ):
        if message is not None and _send(message, "invitation", interview):
            sent += 1
    return sent


def send_cancellation(interview_pk, *, applicant: bool = True) -> int:
    """METHOD:CANCEL to the applicant (unless `applicant` is False) and the panel."""
    interview = _load(interview_pk)
    if interview is None:
        return 0
    sent = 0
    for message in (
        _applicant_message(interview, kind="cancel") if applicant else None,
        _panel_message(interview, kind="cancel"),
    ):
        if message is not None and _send(message, "cancellation", interview):
            sent += 1
    return sent


def send_reminder(interview: Interview) -> bool:
    message = _applicant_message(interview, kind="reminder")
    return message is not None and _send(message, "reminder", interview)
