"""The queue's own periodic job: forget finished jobs after ENLIST_JOB_KEEP_DAYS, and the
shared counters whose window is over."""

from __future__ import annotations

import datetime

from enlist.jobs.registry import job_handler, periodic
from enlist.jobs.services import jobs_purge


@job_handler("jobs.purge")
def purge() -> None:
    from enlist.core.counters import counters_purge

    jobs_purge()
    counters_purge()


periodic("jobs.purge", every=datetime.timedelta(days=1))
