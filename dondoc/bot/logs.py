"""Logging set-up: tokens and secrets never reach a log line, nor a traceback (uncaught ones included)."""

import logging
import sys
import threading
from types import TracebackType

from dondoc.bot.config import Config

REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    """Replaces every configured secret in the formatted message (URLs carry the bot token)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if any(secret in text for secret in self.secrets):
                for secret in self.secrets:
                    text = text.replace(secret, REDACTED)
                record.exc_info, record.exc_text = None, text
        return True


def secrets_of(config: Config) -> list[str]:
    return [
        s
        for s in (
            config.telegram.token,
            config.telegram.webhook_secret,
            config.zalo.token,
            config.zalo.webhook_secret,
        )
        if s
    ]


def configure_logging(config: Config, level: str) -> RedactSecrets:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = RedactSecrets(secrets_of(config))
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    # httpx logs every request URL at INFO, and Telegram's URLs hold the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # A line for every five-minute sweep would bury what matters (and the console's conversation).
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Python prints an uncaught exception to stderr itself, past the filter: log it instead.
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    return redact


def _log_uncaught(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):  # Ctrl-C before the bot listens for it: no traceback
        return
    logging.getLogger("dondoc").critical("uncaught %s", kind.__name__, exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "a thread"
    logging.getLogger("dondoc").critical(
        "uncaught %s in %s",
        args.exc_type.__name__,
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
