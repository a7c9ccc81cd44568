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


class MaskedPathFilter(logging.Filter):
    """Masks the path in records that carry the request (Django's ``django.request`` logger:
    "Internal Server Error: /my-data/<token>/"), through the access log's own masking
    (``core/middleware.py: loggable_path``), whatever the logger or the format. Installed on
    the handler, so no logger can bypass it."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if not isinstance(path, str):
            return True
        from enlist.core.middleware import loggable_path  # Django is set up by now

        masked = loggable_path(request)  # type: ignore[arg-type]
        # Django's log_response escapes its arguments (unicode_escape) before logging them.
        forms = {path, path.encode("unicode_escape").decode("ascii")}
        if isinstance(record.args, tuple):
            record.args = tuple(masked if a in forms else a for a in record.args)
        if isinstance(record.msg, str) and len(path) > 1:  # a message formatted beforehand
            for form in forms:
                record.msg = record.msg.replace(form, masked)
        record.path = masked
        return True


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
