"""The interviews' background jobs: their emails, and the hourly reminder run."""

from __future__ import annotations

import datetime

from enlist.interviews import invitations
from enlist.jobs.registry import job_handler, periodic


@job_handler("mail.interview_invitation")
def invitation(*, interview: str, sequence: int) -> None:
    invitations.send_invitation(interview, sequence=sequence)


@job_handler("mail.interview_cancellation")
def cancellation(*, interview: str, sequence: int, applicant: bool = True) -> None:
    invitations.send_cancellation(interview, sequence=sequence, applicant=applicant)


@job_handler("mail.interview_reminder")
def reminder(*, interview: str, sequence: int) -> None:
    invitations.send_reminder(interview, sequence=sequence)


@job_handler("interviews.remind")
def remind() -> None:
    from enlist.interviews.services import interviews_remind

    interviews_remind()


periodic("interviews.remind", every=datetime.timedelta(hours=1))
