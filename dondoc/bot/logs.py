"""Logging set-up: tokens and secrets never reach a log line."""

import logging

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
    return redact
