"""Keeping keys out of the logs.

A request line carries what proves who someone is: an API or WebSocket ``?token=``, a
badge ``?code=``, an order's secret in the "my tickets" address, a password-reset link.
Access logs (Django's ``runserver``, Daphne, Uvicorn, Gunicorn) and Django's own
"Not Found: /path" warnings write request lines as they came, so every record passing
through a logger or handler is cleaned by ``RedactSecrets`` before it is written.

``configure`` is Django's ``LOGGING_CONFIG``: it applies ``settings.LOGGING`` and then
adds the filter to the servers' loggers and to every handler already set up, including
the ones Uvicorn and Gunicorn made before they loaded the project.
"""

import logging
import logging.config
import re

REDACTED = "[redacted]"

# Query parameters whose value is a key: ?token=…, &code=…, secret=… (also inside a
# quoted request line or a Referer).
_SECRET_PARAMETER = re.compile(
    r"(?<![\w-])(token|code|secret|key|password)=[^&\s\"'#]*", re.IGNORECASE
)
# Paths whose segment is the key: the order's private pages, Django's password reset.
_SECRET_PATH = re.compile(r"(/my-tickets/|/reset/[^/\s?\"']+/)[^/\s?\"'#]+")

# The loggers that write request lines; the filter on them cleans a record before any
# handler, also one a test or a server adds later, sees it.
REQUEST_LOGGERS = [
    "django.request",
    "django.server",
    "django.channels.server",
    "daphne",
    "uvicorn.access",
    "uvicorn.error",
    "gunicorn.access",
    "gunicorn.error",
]


def redact(text):
    """``text`` with every secret query value and private path segment replaced."""
    text = _SECRET_PARAMETER.sub(lambda match: f"{match.group(1)}={REDACTED}", text)
    return _SECRET_PATH.sub(lambda match: match.group(1) + REDACTED, text)


def _redacted(value):
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and arguments with ``redact``. The arguments keep
    their shape (a tuple stays a tuple, Gunicorn's atoms stay its own mapping), because
    the servers' formatters pick them apart."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(value) for value in record.args)
        elif isinstance(record.args, dict):
            for name, value in record.args.items():
                record.args[name] = _redacted(value)
        return True


def _add_once(holder, redacting):
    if not any(isinstance(existing, RedactSecrets) for existing in holder.filters):
        holder.addFilter(redacting)


def configure(config):
    """Apply ``config`` (``settings.LOGGING``), then redact on every request logger and
    on every handler that exists now."""
    logging.config.dictConfig(config)
    redacting = RedactSecrets()
    for name in REQUEST_LOGGERS:
        _add_once(logging.getLogger(name), redacting)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            _add_once(handler, redacting)
