"""Structured logs: one JSON object per line, for nameko's, kombu's and our own loggers (structlog).

Every line carries the nameko call id and the correlation id bound for the worker. Request bodies are never
logged: a reporter's identity must not reach a log line.
"""

import logging.config

import structlog

from watchpost import config

SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_dict(level=None):
    """The `LOGGING` section of a nameko config (also usable with `logging.config.dictConfig`)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "watchpost.logs.json_formatter"}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"level": level or config.log_level(), "handlers": ["stdout"]},
    }


def json_formatter():
    """For a `LOGGING` dict written in YAML: `formatters: {json: {"()": watchpost.logs.json_formatter}}`."""
    return structlog.stdlib.ProcessorFormatter(
        processor=structlog.processors.JSONRenderer(ensure_ascii=False),
        foreign_pre_chain=[*SHARED, structlog.stdlib.add_logger_name, structlog.processors.format_exc_info],
    )


def configure(level=None):
    """For scripts and CLIs; a nameko service gets the stdlib part from its config's LOGGING."""
    logging.config.dictConfig(logging_dict(level))
    configure_structlog()


def configure_structlog():
    structlog.configure(
        processors=[
            *SHARED,
            structlog.stdlib.add_logger_name,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get(name):
    return structlog.get_logger(name)
