"""Booking from the database and the invitations it sends, read back from a real SMTP server
running in the test process (aiosmtpd): the applicant's discreet email with its .ics, the
panel's, updates (same UID, SEQUENCE + 1), cancellations (METHOD:CANCEL) and reminders; a
mission in another time zone across a daylight-saving change."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from email.message import EmailMessage

import pytest
from django.test import Client, override_settings
from icalendar import Calendar

from enlist.cases.models import Application, StageChange
from enlist.interviews.booking import interviews_schedule
from enlist.interviews.models import (
    AvailabilityException,
    Interview,
    InterviewStatus,
    Venue,
)
from enlist.interviews.services import interviews_remind
from enlist.missions.models import Mission
from tests.factories import ApplicationFactory, MissionFactory, StaffFactory
from tests.mailserver import PERMANENT, TEMPORARY

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"
# Thursday 11 March 2027; the US moves to daylight saving time on Sunday 14 March.
NOW = datetime.datetime(2027, 3, 11, 15, 0, tzinfo=datetime.UTC)
BEFORE_DST = datetime.date(2027, 3, 12)  # Friday, EST (UTC-5)
AFTER_DST = datetime.date(2027, 3, 15)  # Monday, EDT (UTC-4)
FORBIDDEN = re.compile(r"legion|military|army|soldier|ukrain|war\b|volunteer", re.IGNORECASE)


@pytest.fixture
def inbox(inbox):
    """The test SMTP server (tests/mailserver.py), with the sender and links a mission has."""
    with override_settings(
        DEFAULT_FROM_EMAIL="Appointments Office <no-reply@appointments.example>",
        ENLIST_PUBLIC_URL="http://testserver",
    ):
        yield inbox


@pytest.fixture
def new_york(db):
    mission = MissionFactory(
        code="us-new-york", country_id="US", city="New York", timezone=NEW_YORK
    )
    Venue.objects.create(mission=mission, name="Room 4", mode="in_person")
    return mission


@pytest.fixture
def panel(new_york):
    attache = StaffFactory(
        username="attache-ny", role="attache", mission=new_york, email="attache@mission.example"
    )
    consul = StaffFactory(
        username="consul-ny", role="consul", mission=new_york, email="consul@mission.example"
    )
    # No weekly hours: one extra session before the change of clocks, one after.
    for member in (attache, consul):
        for day in (BEFORE_DST, AFTER_DST):
            AvailabilityException.objects.create(
                mission=new_york,
                staff=member,
                date=day,
                kind="extra",
                start=datetime.time(9, 0),
                end=datetime.time(10, 0),
            )
    return attache, consul


def _case(mission, n, **overrides):
    return ApplicationFactory(
        mission=mission, stage="interview", email=f"applicant{n}@example.org", **overrides
    )


def _ics(message: EmailMessage) -> Calendar:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def _event(message: EmailMessage):
    events = _ics(message).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def _link(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://testserver(/appointment/\?t=\S+)", body)
    assert match, body
    return match.group(1)


def _book(mission, **kwargs):
    return interviews_schedule(missions=[mission], now=kwargs.pop("now", NOW), **kwargs)


def test_invitations_carry_the_missions_local_time_across_daylight_saving(
    inbox, new_york, panel, run_jobs
):
    attache, consul = panel
    first, second = _case(new_york, 1), _case(new_york, 2)
    (outcome,) = _book(new_york)
    run_jobs()
    assert len(outcome.created) == 2
    interviews = {i.application_id: i for i in Interview.objects.all()}
    starts = sorted(i.start for i in interviews.values())
    # 09:00 in New York is 14:00Z before the change and 13:00Z after it.
    assert starts == [
        datetime.datetime(2027, 3, 12, 14, 0, tzinfo=datetime.UTC),
        datetime.datetime(2027, 3, 15, 13, 0, tzinfo=datetime.UTC),
    ]

    zone = zoneinfo.ZoneInfo(NEW_YORK)
    for application in (first, second):
        (message,) = inbox.to(application.email)
        interview = interviews[application.pk]
        event = _event(message)
        assert str(event["uid"]) == interview.ics_uid
        assert int(event["sequence"]) == 0
        assert _ics(message)["method"] == "REQUEST"
        assert event["dtstart"].params["TZID"] == NEW_YORK
        start = event.decoded("dtstart")
        assert (start.hour, start.minute) == (9, 0)
        assert start == interview.start.astimezone(zone)
        assert event.decoded("dtend") - start == datetime.timedelta(minutes=45)
        assert str(event["organizer"]) == "mailto:no-reply@appointments.example"
        assert [tz["tzid"] for tz in _ics(message).walk("VTIMEZONE")] == [NEW_YORK]
        # Discreet: a neutral sender and subject, a body holding only the link.
        assert message["From"] == "Appointments Office <no-reply@appointments.example>"
        assert message["Subject"] == "Your appointment"
        body = message.get_body(preferencelist=("plain",)).get_content()
        for text in (message["Subject"], message["From"], body, str(event["summary"])):
            assert not FORBIDDEN.search(text), text
        assert application.family_name not in body + str(_ics(message).to_ical())

    # Both panel members get one invitation per interview.
    assert len(inbox.to(attache.email)) == 2
    assert len(inbox.to(consul.email)) == 2
    panel_event = _event(inbox.to(attache.email)[0])
    assert str(panel_event["uid"]) in {i.ics_uid for i in interviews.values()}


def test_the_link_confirms_and_a_new_slot_keeps_the_uid_with_a_higher_sequence(
    inbox, client, new_york, panel, run_jobs, caplog
):
    application = _case(new_york, 1)
    _book(new_york)
    run_jobs()
    (invitation,) = inbox.to(application.email)
    link = _link(invitation)
    with caplog.at_level("INFO", logger="enlist.requests"):
        page = client.get(link)
    assert page.status_code == 200
    assert b"09:00" in page.content and b"America/New_York" in page.content
    token = link.split("?t=", 1)[1]
    requests = [r.getMessage() for r in caplog.records if r.name == "enlist.requests"]
    assert len(requests) == 1 and requests[0].startswith("GET /appointment/ 200")
    assert not any(token in r.getMessage() for r in caplog.records)

    # Another slot, naming the first date as impossible.
    response = client.post(
        link,
        {"action": "reschedule", "from": [BEFORE_DST.isoformat()],
         "to": [BEFORE_DST.isoformat()]},
    )  # fmt: skip
    run_jobs()
    assert response.status_code == 302
    interview = Interview.objects.get(application=application)
    assert (interview.status, interview.sequence) == (InterviewStatus.RESCHEDULE, 1)
    uid = interview.ics_uid
    # The panel's entry for the old slot is cancelled; the applicant waits for the new one.
    panel_cancel = inbox.to(panel[0].email)[-1]
    assert _ics(panel_cancel)["method"] == "CANCEL"
    assert (str(_event(panel_cancel)["uid"]), int(_event(panel_cancel)["sequence"])) == (uid, 1)
    assert len(inbox.to(application.email)) == 1

    (outcome,) = _book(new_york)
    run_jobs()
    assert (len(outcome.created), len(outcome.moved)) == (0, 1)
    interview.refresh_from_db()
    assert (interview.status, interview.ics_uid, interview.sequence) == ("booked", uid, 2)
    assert interview.start == datetime.datetime(2027, 3, 15, 13, 0, tzinfo=datetime.UTC)
    update = inbox.to(application.email)[-1]
    assert update["Subject"] == "Your appointment has changed"
    event = _event(update)
    assert (str(event["uid"]), int(event["sequence"])) == (uid, 2)
    assert event.decoded("dtstart").hour == 9

    client.post(link, {"action": "confirm"})
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CONFIRMED
    # A re-plan never moves a confirmed interview.
    (outcome,) = _book(new_york, replan=True)
    run_jobs()
    assert outcome.moved == [] and outcome.created == []
    assert Interview.objects.get(pk=interview.pk).start == interview.start


def test_withdrawal_through_the_link_cancels_with_method_cancel(
    inbox, client, new_york, panel, run_jobs
):
    application = _case(new_york, 1)
    _book(new_york)
    run_jobs()
    link = _link(inbox.to(application.email)[0])
    client.post(link, {"action": "withdraw"})  # not ticked: nothing happens
    assert Application.objects.get(pk=application.pk).stage == "interview"
    client.post(link, {"action": "withdraw", "sure": "on"})
    run_jobs()
    assert Application.objects.get(pk=application.pk).stage == "withdrawn"
    change = StageChange.objects.filter(application=application).last()
    assert (change.actor_id, change.actor_role, change.to_stage) == (None, "applicant", "withdrawn")
    interview = Interview.objects.get(application=application)
    assert (interview.status, interview.sequence) == ("cancelled", 1)
    cancel = inbox.to(application.email)[-1]
    assert _ics(cancel)["method"] == "CANCEL"
    event = _event(cancel)
    assert (str(event["uid"]), int(event["sequence"])) == (interview.ics_uid, 1)
    assert str(event["status"]) == "CANCELLED"
    assert _ics(inbox.to(panel[0].email)[-1])["method"] == "CANCEL"


def test_staff_putting_a_case_on_hold_cancels_its_interview(inbox, new_york, panel, run_jobs):
    from enlist.cases.services import application_transition

    attache, _consul = panel
    application = _case(new_york, 1)
    _book(new_york)
    application_transition(
        application=application, to="on_hold", actor=attache, reason="Waiting for papers."
    )
    run_jobs()
    assert Interview.objects.get(application=application).status == "cancelled"
    assert _ics(inbox.to(application.email)[-1])["method"] == "CANCEL"


def test_invitation_in_the_applicants_language(inbox, new_york, panel, run_jobs):
    application = _case(new_york, 1, languages=["uk", "en"])
    _book(new_york)
    run_jobs()
    (message,) = inbox.to(application.email)
    assert message["Subject"] == "Ваш запис на прийом"
    page = Client().get(_link(message))
    assert "<h1>Ваш запис на прийом</h1>" in page.content.decode()
    assert 'lang="uk"' in page.content.decode()


def test_reminder_is_sent_once(inbox, new_york, panel, run_jobs):
    application = _case(new_york, 1)
    _book(new_york)
    run_jobs()
    interview = Interview.objects.get(application=application)
    day_before = interview.start - datetime.timedelta(hours=20)
    assert interviews_remind(now=interview.start - datetime.timedelta(hours=30)) == 0
    assert interviews_remind(now=day_before) == 1
    assert interviews_remind(now=day_before + datetime.timedelta(hours=1)) == 0
    assert run_jobs() == 1  # the worker sends the one reminder queued
    assert run_jobs() == 0
    reminders = [m for m in inbox.to(application.email) if m["Subject"].startswith("Reminder")]
    assert len(reminders) == 1
    assert not FORBIDDEN.search(reminders[0].get_body(preferencelist=("plain",)).get_content())


def test_a_bad_or_foreign_link_is_refused(client):
    assert client.get("/appointment/?t=not-a-token").status_code == 410
    assert client.get("/appointment/").status_code == 410


def test_dry_run_writes_nothing_and_says_why_cases_wait(new_york, panel, capsys):
    from django.core.management import call_command

    # Three cases, two slots: one must wait; one case speaks only Amharic (no interpreter).
    cases = [_case(new_york, n) for n in range(3)] + [_case(new_york, 9, languages=["am"])]
    outcomes = _book(new_york, dry_run=True)
    assert Interview.objects.count() == 0
    (outcome,) = outcomes
    assert len(outcome.result.new) == 2
    assert set(outcome.result.unbooked) == {str(c.pk) for c in cases} - {
        b.case_id for b in outcome.result.new
    }
    assert "interpreter" in outcome.result.unbooked[str(cases[-1].pk)]

    call_command("interviews", "schedule", "--mission", "us-new-york", "--dry-run")
    out = capsys.readouterr().out
    assert Interview.objects.count() == 0
    assert "us-new-york: would book" in out
    assert f"unbooked case {cases[-1].pk}: " in out
    assert Mission.objects.filter(code="us-new-york").exists()


def test_schedule_and_remind_commands(inbox, new_york, panel, capsys):
    from django.core.management import call_command

    # Weekly hours so that the real clock's horizon holds slots: every day, 09:00–10:00.
    from enlist.interviews.models import WeeklyHours

    for member in panel:
        for day in range(7):
            WeeklyHours.objects.create(
                mission=new_york,
                staff=member,
                weekday=day,
                start=datetime.time(9),
                end=datetime.time(10),
            )
    application = _case(new_york, 1, languages=[])  # none stated: a mission language assumed
    call_command("interviews", "schedule", "--mission", "us-new-york")
    out = capsys.readouterr().out
    assert "us-new-york: booked 1, unbooked 0" in out
    assert f"booked case {application.pk} at " in out
    assert "attaché attache-ny, consul consul-ny, Room 4" in out
    interview = Interview.objects.get(application=application)
    assert interview.status == "booked"
    from django.utils import timezone

    due = int(interview.start - timezone.now() <= datetime.timedelta(hours=24))
    call_command("interviews", "remind")
    assert capsys.readouterr().out.strip() == f"reminders queued: {due}"
    call_command("interviews", "remind")  # idempotent
    assert capsys.readouterr().out.strip() == "reminders queued: 0"
    assert interview.start.astimezone(zoneinfo.ZoneInfo(NEW_YORK)).time() == datetime.time(9)


def test_a_case_already_interviewed_is_not_booked_again(new_york, panel):
    from tests.factories import recommend_by_panel

    attache, consul = panel
    judged = _case(new_york, 1)
    recommend_by_panel(judged, attache)  # one verdict is enough: the panel has seen them
    waiting = _case(new_york, 2)
    (outcome,) = _book(new_york, dry_run=True)
    assert {b.case_id for b in outcome.result.new} == {str(waiting.pk)}
    assert str(judged.pk) not in outcome.result.unbooked


def test_an_interpreter_is_booked_and_invited_where_the_panel_shares_no_language(
    inbox, new_york, panel, run_jobs
):
    from enlist.interviews.models import Interpreter

    interpreter = Interpreter.objects.create(
        mission=new_york, name="A. Interpreter", email="interp@mission.example", languages=["am"]
    )
    AvailabilityException.objects.create(
        mission=new_york,
        interpreter=interpreter,
        date=AFTER_DST,
        kind="extra",
        start=datetime.time(8),
        end=datetime.time(12),
    )
    application = _case(new_york, 1, languages=["am"])
    (outcome,) = _book(new_york)
    run_jobs()
    interview = Interview.objects.get(application=application)
    assert interview.interpreter_id == interpreter.pk
    assert interview.start == datetime.datetime(2027, 3, 15, 13, 0, tzinfo=datetime.UTC)
    (message,) = inbox.to("interp@mission.example")
    assert str(_event(message)["uid"]) == interview.ics_uid


def test_an_invitation_job_that_runs_twice_sends_each_email_once(inbox, new_york, panel, run_jobs):
    from enlist.jobs.models import Job

    attache, _consul = panel
    application = _case(new_york, 1)
    _book(new_york)
    assert inbox.messages == []  # queued by the booking, not sent by it
    assert run_jobs() == 1
    assert len(inbox.to(application.email)) == 1 and len(inbox.to(attache.email)) == 1
    # The worker died after sending, before marking the job done: it runs again.
    job = Job.objects.get(kind="mail.interview_invitation")
    Job.objects.filter(pk=job.pk).update(status="pending")
    assert run_jobs() == 1
    # And the same event queued a second time (no dedupe key) changes nothing either.
    from enlist.interviews.jobs import invitation

    invitation(interview=job.payload["interview"], sequence=job.payload["sequence"])
    assert len(inbox.to(application.email)) == 1
    assert len(inbox.to(attache.email)) == 1
    assert len(inbox.messages) == 2


def test_a_refused_recipient_is_retried_without_mailing_the_others_again(
    inbox, new_york, panel, run_jobs
):
    from django.utils import timezone

    from enlist.jobs.models import Job

    attache, consul = panel
    application = _case(new_york, 1)
    inbox.refuse(attache.email, consul.email)
    _book(new_york)
    assert run_jobs() == 1
    job = Job.objects.get(kind="mail.interview_invitation")
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.last_error.startswith("smtplib.SMTPRecipientsRefused at ")
    assert "@" not in job.last_error
    assert len(inbox.to(application.email)) == 1 and inbox.to(attache.email) == []

    inbox.accept()
    assert run_jobs(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    assert Job.objects.get(pk=job.pk).status == "done"
    assert len(inbox.to(application.email)) == 1  # not twice
    assert len(inbox.to(attache.email)) == len(inbox.to(consul.email)) == 1


def test_a_panel_member_refused_alone_is_retried_and_the_other_not_mailed_twice(
    inbox, new_york, panel, run_jobs
):
    """The server takes the panel's message for the attaché and refuses the consul: smtplib
    does not raise for that, and the consul must not be dropped."""
    from django.utils import timezone

    from enlist.jobs.models import Job, SentMark

    attache, consul = panel
    application = _case(new_york, 1)
    inbox.refuse(consul.email)
    _book(new_york)
    assert run_jobs() == 1
    job = Job.objects.get(kind="mail.interview_invitation")
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.last_error.startswith("enlist.core.mail.RecipientsPartlyRefused at ")
    assert "@" not in job.last_error
    (first,) = inbox.to(attache.email)
    assert inbox.to(consul.email) == [] and inbox.refused == [(consul.email, PERMANENT)]
    assert len(inbox.to(application.email)) == 1
    # No address is kept to remember who got it.
    assert not any("@" in key for key in SentMark.objects.values_list("key", flat=True))

    inbox.accept()
    assert run_jobs(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    assert Job.objects.get(pk=job.pk).status == "done"
    (second,) = inbox.to(consul.email)
    assert inbox.to(attache.email) == [first]  # not twice
    assert len(inbox.to(application.email)) == 1
    # The same message: both named on it, one Message-ID, so clients see one invitation.
    assert second["Message-ID"] == first["Message-ID"]
    assert {a.addr_spec for a in second["To"].addresses} == {attache.email, consul.email}
    assert str(_event(second)["uid"]) == str(_event(first)["uid"])
    assert run_jobs(now=timezone.now() + datetime.timedelta(hours=1)) == 0


def test_a_temporary_refusal_of_everyone_is_retried_until_the_server_takes_it(
    inbox, new_york, panel, run_jobs
):
    from django.utils import timezone

    from enlist.jobs.models import Job

    application = _case(new_york, 1)
    inbox.refuse_everyone(temporary=True)
    _book(new_york)
    assert run_jobs() == 1
    job = Job.objects.get(kind="mail.interview_invitation")
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.last_error.startswith("smtplib.SMTPRecipientsRefused at ")
    assert inbox.messages == [] and {reply for _, reply in inbox.refused} == {TEMPORARY}
    inbox.accept()
    assert run_jobs(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    assert Job.objects.get(pk=job.pk).status == "done"
    assert len(inbox.to(application.email)) == 1
    assert len(inbox.messages) == 2  # the applicant's, the panel's
