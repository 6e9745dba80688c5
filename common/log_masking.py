"""No raw email or phone number in any log line, whichever process writes it.

``MaskingFilter`` masks a record's message and arguments (``common.pii.mask_text``).
``install_log_masking()`` applies the same masking to every record as it is created (a
log-record factory), so it holds whatever handlers a framework adds or replaces later
(Rasa's coloredlogs handler replaces the console handler after reading its logging
config; uvicorn configures its own). It is idempotent.

The three processes:
  * the backend calls ``install_log_masking()`` in ``python -m backend``;
  * Rasa (``rasa run``) and the action server (``python -m actions.server``) get it from
    ``--logging-config-file config/logging.yml``, whose filter factory is
    ``common.log_masking.masking_filter`` (it installs the record factory too).
"""
from __future__ import annotations

import logging
from typing import Any

from common.pii import mask_text

_INSTALLED_ATTR = "_boomerang_masking"


_PLAIN = (int, float, bool, type(None), bytes)


def _mask_value(value: Any) -> Any:
    """A str masked; a number left as it is (``%d`` still works); any other object replaced
    by its masked str() (an exception or a dict may carry an email in its text)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, _PLAIN):
        return value
    try:
        return mask_text(str(value))
    except Exception:
        return "<unprintable>"


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask ``record`` in place: its message, each argument, any traceback text.

    The arguments stay a tuple of the same length (uvicorn's access-log formatter unpacks
    them), so the masking is per part rather than on the formatted line.
    """
    if getattr(record, _INSTALLED_ATTR, False):
        return record
    record.msg = _mask_value(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_mask_value(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _mask_value(v) for k, v in record.args.items()}
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    setattr(record, _INSTALLED_ATTR, True)
    return record


class MaskingFilter(logging.Filter):
    """A logging filter that masks emails and phone numbers; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def install_log_masking() -> None:
    """Mask every log record of this process at creation (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, _INSTALLED_ATTR, False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(current(*args, **kwargs))

    setattr(factory, _INSTALLED_ATTR, True)
    logging.setLogRecordFactory(factory)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


def masking_filter() -> MaskingFilter:
    """Filter factory for a logging config file (``()``): installs the masking, returns a filter."""
    install_log_masking()
    return MaskingFilter()
