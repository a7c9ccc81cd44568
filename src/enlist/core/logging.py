"""JSON-lines logging: one object per line, with only the fields we chose to write.

``JsonFormatter`` writes ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and, for
the request log (``core/middleware.py``), ``method``, ``path``, ``status``, ``duration_ms``,
``request_id``. Exceptions are written as their type and the frames' file:line only, never
the exception's text or local values, which may quote a request's data.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime

# The extra fields a record may carry into the line; anything else given as `extra` is dropped.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "request_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            frames = traceback.extract_tb(trace)
            line["exception"] = kind.__name__
            line["frames"] = [f"{frame.filename}:{frame.lineno}" for frame in frames[-8:]]
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))
