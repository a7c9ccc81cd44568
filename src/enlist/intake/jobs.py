"""Intake's background jobs: the subject-access email, imports from the staff page, their purge."""

from __future__ import annotations

import datetime

from enlist.jobs.registry import job_handler, periodic


@job_handler("mail.subject_access")
def subject_access_mail(*, application: str, language: str | None = None) -> None:
    from enlist.intake.subject_access import subject_access_send

    subject_access_send(application_id=application, language=language)


@job_handler("intake.import")
def spreadsheet_import_run(*, run: str) -> None:
    from enlist.intake.import_runs import import_run_execute

    import_run_execute(run_id=run)


@job_handler("intake.import_runs_purge")
def import_runs_purge_job() -> None:
    from enlist.intake.import_runs import import_runs_purge

    import_runs_purge()


periodic("intake.import_runs_purge", every=datetime.timedelta(days=1))
