"""Structured JSON logs. They carry ids, counts and statuses only: never names, NIK or record contents."""

from __future__ import annotations

import json
import logging
import sys
import time

log = logging.getLogger("caseworker.server")


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
