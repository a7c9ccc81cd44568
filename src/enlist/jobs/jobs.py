"""The queue's own periodic job: forget finished jobs after ENLIST_JOB_KEEP_DAYS."""

from __future__ import annotations

import datetime

from enlist.jobs.registry import job_handler, periodic
from enlist.jobs.services import jobs_purge


@job_handler("jobs.purge")
def purge() -> None:
    jobs_purge()


periodic("jobs.purge", every=datetime.timedelta(days=1))
