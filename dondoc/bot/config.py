"""Configuration from the environment and an optional `.env` file (see `.env.example`)."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from dondoc.i18n import normalise_language
from dondoc.text import nfc

DEFAULT_SQLITE_PATH = Path("data") / "dondoc.sqlite3"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc


def _days(value: str | None) -> tuple[int, ...]:
    if not value:
        return (7, 3)
    try:
        return tuple(sorted({int(v) for v in value.replace(" ", "").split(",") if v}, reverse=True))
    except ValueError as exc:
        raise ConfigError("NUDGE_BEFORE_DAYS must be whole numbers separated by commas, like 7,3") from exc


def _choice(name: str, value: str | None, choices: tuple[str, ...]) -> str:
    if value is None:
        return choices[0]
    if value.lower() not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}")
    return value.lower()


def _time(name: str, value: str) -> str:
    hour, _sep, minute = value.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ConfigError(f"{name} must be a time like 16:30")
    return f"{int(hour):02d}:{int(minute):02d}"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable, never its secret value."""


@dataclass(frozen=True)
class TelegramConfig:
    """The Telegram transport's section: it runs when `token` is set."""

    token: str | None = field(default=None, repr=False)
    username: str | None = None
    base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443


@dataclass(frozen=True)
class ZaloConfig:
    """The Zalo transport's section: it runs when `token` is set."""

    token: str | None = field(default=None, repr=False)
    base_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8444
    messages_per_second: float = 5.0


@dataclass(frozen=True)
class ConsoleConfig:
    """The console's section: who is speaking, and whether `dondoc run` reads this terminal's input
    (by default when stdin is a terminal, or when no messenger is configured)."""

    user: str = "vanphong"
    read_input: bool = True
    files_dir: Path = Path("data/files")  # where files sent to a console person (a workbook) are saved

    def __post_init__(self) -> None:
        # Cleaned as every `Incoming` is, so the console person bootstrap records, the messages the console
        # sends and the ones it prints for them name the same account (a name in NFD, or a command line's
        # undecodable bytes, would otherwise differ).
        object.__setattr__(self, "user", nfc(self.user))


@dataclass(frozen=True)
class Config:
    database_url: str
    tz: ZoneInfo
    default_language: str = "vi"
    invite_ttl_days: int = 7
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    zalo: ZaloConfig = field(default_factory=ZaloConfig)
    console: ConsoleConfig = field(default_factory=ConsoleConfig)
    allow_linking: bool = True
    sqlite_synchronous: str = "FULL"
    log_level: str = "INFO"
    nudge_hour: int = 8
    nudge_before_days: tuple[int, ...] = (7, 3)
    nudge_late_every: int = 3
    nudge_escalate_after: int = 7
    nudge_skip_after_report: bool = True
    nudge_periodic: str = "monthly"
    sweep_minutes: int = 5
    daily_digest_time: str = "16:30"
    weekly_digest_time: str = "08:00"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def load(cls, env_file: str | Path | None = ".env", environ: dict[str, str] | None = None) -> "Config":
        """Environment variables win over `.env`; `.env` wins over the defaults."""
        values: dict[str, str | None] = {}
        if env_file and Path(env_file).is_file():
            from dotenv import dotenv_values  # only when there is a .env to read

            values.update(dotenv_values(env_file))
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = values.get(name)
            return value.strip() if value and value.strip() else None

        database_url = get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
        try:
            tz = ZoneInfo(get("TZ") or "Asia/Ho_Chi_Minh")
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"TZ is not a known time zone: {get('TZ')!r}") from exc
        if get("TELEGRAM_WEBHOOK_URL") and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", get("TELEGRAM_WEBHOOK_SECRET") or ""
        ):
            raise ConfigError(
                "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET: 1-256 characters A-Z a-z 0-9 _ -"
            )
        zalo_secret = get("ZALO_WEBHOOK_SECRET")
        if zalo_secret and not (8 <= len(zalo_secret) <= 256 and get("ZALO_WEBHOOK_URL")):
            raise ConfigError("ZALO_WEBHOOK_SECRET needs 8-256 characters and a ZALO_WEBHOOK_URL")
        synchronous = (get("SQLITE_SYNCHRONOUS") or "FULL").upper()
        if synchronous not in {"NORMAL", "FULL", "EXTRA"}:
            raise ConfigError("SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA")
        return cls(
            database_url=database_url,
            tz=tz,
            default_language=normalise_language(get("DEFAULT_LANGUAGE")),
            invite_ttl_days=_int("INVITE_TTL_DAYS", get("INVITE_TTL_DAYS"), 7),
            telegram=TelegramConfig(
                token=get("TELEGRAM_BOT_TOKEN"),
                username=(get("TELEGRAM_BOT_USERNAME") or "").lstrip("@") or None,
                base_url=get("TELEGRAM_BASE_URL"),
                webhook_url=get("TELEGRAM_WEBHOOK_URL"),
                webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
                webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
                webhook_port=_int("TELEGRAM_WEBHOOK_PORT", get("TELEGRAM_WEBHOOK_PORT"), 8443),
            ),
            zalo=ZaloConfig(
                token=get("ZALO_BOT_TOKEN"),
                base_url=get("ZALO_BASE_URL"),
                webhook_secret=get("ZALO_WEBHOOK_SECRET"),
                webhook_url=get("ZALO_WEBHOOK_URL"),
                webhook_listen=get("ZALO_WEBHOOK_LISTEN") or "127.0.0.1",
                webhook_port=_int("ZALO_WEBHOOK_PORT", get("ZALO_WEBHOOK_PORT"), 8444),
                messages_per_second=_int("ZALO_MESSAGES_PER_SECOND", get("ZALO_MESSAGES_PER_SECOND"), 5),
            ),
            console=ConsoleConfig(
                user=get("CONSOLE_USER") or "vanphong",
                read_input=not (get("TELEGRAM_BOT_TOKEN") or get("ZALO_BOT_TOKEN")),
                files_dir=Path(get("CONSOLE_FILES_DIR") or "data/files"),
            ),
            allow_linking=_bool(get("ALLOW_LINKING"), True),
            sqlite_synchronous=synchronous,
            log_level=(get("LOG_LEVEL") or "INFO").upper(),
            nudge_hour=_int("NUDGE_HOUR", get("NUDGE_HOUR"), 8),
            nudge_before_days=_days(get("NUDGE_BEFORE_DAYS")),
            nudge_late_every=_int("NUDGE_LATE_EVERY", get("NUDGE_LATE_EVERY"), 3),
            nudge_escalate_after=_int("NUDGE_ESCALATE_AFTER", get("NUDGE_ESCALATE_AFTER"), 7),
            nudge_skip_after_report=_bool(get("NUDGE_SKIP_AFTER_REPORT"), True),
            nudge_periodic=_choice("NUDGE_PERIODIC", get("NUDGE_PERIODIC"), ("monthly", "quarterly", "off")),
            sweep_minutes=_int("SWEEP_MINUTES", get("SWEEP_MINUTES"), 5),
            daily_digest_time=_time("DAILY_DIGEST_TIME", get("DAILY_DIGEST_TIME") or "16:30"),
            weekly_digest_time=_time("WEEKLY_DIGEST_TIME", get("WEEKLY_DIGEST_TIME") or "08:00"),
        )
