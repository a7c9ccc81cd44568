"""Reading the worker's events back from a log written in the JSON-lines format."""

from __future__ import annotations

import json


def job_events(text: str) -> list[dict]:
    """The worker's events, in order: the JSON log lines of the logger ``enlist.jobs``, whose
    message is itself a JSON object. Other lines (gunicorn's, the demo's banner) are skipped."""
    events = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("logger") == "enlist.jobs":
            events.append(json.loads(record["message"]))
    return events
