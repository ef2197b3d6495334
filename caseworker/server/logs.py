"""Structured JSON logs. They carry ids, counts and statuses only: never names, NIK or record contents."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar

log = logging.getLogger("caseworker.server")
# The fields of the request being served (see app._AccessLog): its line carries what the endpoint noted.
_request: ContextVar[dict[str, object] | None] = ContextVar("caseworker_request_log", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("caseworker.server")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def event(name: str, **fields: object) -> None:
    """Log one event with its fields (ids, counts, statuses)."""
    log.info(name, extra={"fields": fields})


def failure(name: str, **fields: object) -> None:
    """Log one failed event at error level: ids and types only (see errors.failure_fields)."""
    log.error(name, extra={"fields": fields})


def request_started() -> dict[str, object]:
    """Collect what the endpoint notes for this request's one log line (see `note`)."""
    fields: dict[str, object] = {}
    _request.set(fields)
    return fields


def note(name: str, **fields: object) -> None:
    """An event of the request being served: it names the request's log line and adds its fields there
    (one line per request); outside a request, its own line."""
    current = _request.get()
    if current is None:
        event(name, **fields)
    else:
        current.update(fields, event=name)
