"""Intake's background job: the subject-access email."""

from __future__ import annotations

from enlist.jobs.registry import job_handler


@job_handler("mail.subject_access")
def subject_access_mail(*, application: str, language: str | None = None) -> None:
    from enlist.intake.subject_access import subject_access_send

    subject_access_send(application_id=application, language=language)
