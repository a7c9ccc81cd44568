"""The public statistics' daily refresh (``reports/services.py: public_snapshot_refresh``)."""

from __future__ import annotations

import datetime

from enlist.jobs.registry import job_handler, periodic


@job_handler("reports.public_snapshot")
def public_snapshot() -> None:
    from enlist.reports.services import public_snapshot_refresh

    public_snapshot_refresh()


# Just after midnight UTC; a second run the same day finds the day's snapshot and stops.
periodic("reports.public_snapshot", every=datetime.timedelta(days=1))
