"""What production logs: each record as one JSON line, and requests slower than SLOW_REQUEST_MS.

A log collector (journald, a file shipper) reads one line per record; a traceback stays inside
its record's line, as the `traceback` field, instead of spreading over forty lines.
"""

import json
import logging
import time
from datetime import UTC, datetime

from django.conf import settings

slow_log = logging.getLogger("tracker.slow")

# Fields a record may carry besides its message: django.request's status_code and request,
# and the slow-request middleware's own.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One record as one line of JSON: time, level, logger, message, and where there is one,
    the request's method and path, the response status, the duration and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        # django.request and django.security pass the request; the server's own loggers pass
        # a socket instead, which says nothing useful here.
        if hasattr(request, "path") and hasattr(request, "method"):
            line["method"] = request.method
            line["path"] = request.path
        if hasattr(record, "status_code"):
            line["status"] = record.status_code
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["traceback"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class SlowRequestMiddleware:
    """Logs a request that took SLOW_REQUEST_MS or longer (tracker.slow, WARNING), with its
    method, path, status and duration in milliseconds.

    Cheap on purpose: one clock read before and after, nothing else. A streamed response
    (CSV export) is timed until its first byte is ready, not until the last is sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.threshold_ms = settings.SLOW_REQUEST_MS

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000)
        if duration_ms >= self.threshold_ms:
            slow_log.warning(
                "slow request %s %s: %d ms",
                request.method,
                request.path,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        return response
