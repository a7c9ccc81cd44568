"""The cases' background job: the daily retention run (crypto-shredding expired cases)."""

from __future__ import annotations

import datetime
import json
import logging

from enlist.jobs.registry import job_handler, periodic

logger = logging.getLogger("enlist.jobs")


@job_handler("retention.run")
def retention() -> None:
    from enlist.cases.erasure import retention_run

    report = retention_run(progress=False)
    event = {"event": "retention_run", "erased": report.erased, "due": dict(report.due)}
    logger.info(json.dumps(event, sort_keys=True))


periodic("retention.run", every=datetime.timedelta(days=1))
