"""Secrets never reach the logs: tokens and codes in logged URLs are replaced by ``[redacted]``.

Uvicorn logs each WebSocket connection with its path and query (``/ws/private?token=…``) and,
when the access log is on, every request line. The filter rewrites such records on the loggers
that carry them before any handler formats them.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAM = re.compile(r"(?i)\b(token|access_token|otp|csrf_token|password)=[^&\s\"']+")
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "openets", "openets.api")


def redact(text: str) -> str:
    return SECRET_PARAM.sub(lambda m: f"{m.group(1)}=[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


_FILTER = RedactSecrets()


def install() -> None:
    """Put the filter on the loggers (and their handlers) that may log a URL; idempotent."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for h in logger.handlers:
            if _FILTER not in h.filters:
                h.addFilter(_FILTER)
