"""The bot's core: config, database and dispatcher, and the services that the chat commands, the command
line and the runtime (`root.py`) share. Nothing here knows a messenger."""

import datetime as dt
import errno
import logging
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from dondoc.bot.config import Config
from dondoc.bot.transport import Menu
from dondoc.handlers import build_registry
from dondoc.handlers.dispatch import Clock, Dispatcher, utc_now
from dondoc.handlers.notify import office, tell
from dondoc.i18n import LANGUAGES, _, use_language
from dondoc.store.agencies import DIRECTORY_CSV, count_agencies, find_agency, load_directory, read_directory
from dondoc.store.db import make_engine, make_sessionmaker, migrate
from dondoc.store.models import Person, Role
from dondoc.store.people import add_person, count_people, links_on, set_link_active

if TYPE_CHECKING:
    from dondoc.nudges.ladder import NudgePolicy
    from dondoc.nudges.sweep import Message
    from dondoc.reports.workbook import WorkbookInfo

log = logging.getLogger(__name__)
CONSOLE = "console"
PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}


class App:
    def __init__(self, config: Config, clock: Clock = utc_now, engine: Engine | None = None) -> None:
        self.config = config
        self.clock = clock
        self.engine = engine or make_engine(config.database_url, config.sqlite_synchronous)
        migrate(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        self.registry = build_registry()
        self.dispatcher = Dispatcher(
            self.sessions,
            self.registry,
            tz=config.tz,
            default_language=config.default_language,
            invite_ttl=dt.timedelta(days=config.invite_ttl_days),
            bot_username=config.telegram.username,
            clock=clock,
            linking_allowed=config.allow_linking,
        )

    def bootstrap(self) -> list[str]:
        """First start: load the agency directory and make the console's person the office admin.

        Returns what to tell the person at the terminal (nothing on later starts).
        """
        notes: list[str] = []
        now = self.clock()
        with self.sessions() as session, use_language(self.config.default_language):
            if count_agencies(session) == 0:
                skipped = load_directory(session, read_directory(DIRECTORY_CSV), now)
                for alias in skipped:
                    log.warning("directory alias %r is used by two agencies; kept the first", alias)
            if count_people(session) == 0:
                user = self.config.console.user
                add_person(
                    session,
                    name=user,
                    role=Role.ADMIN,
                    agency=find_agency(session, "VPUB"),
                    platform=CONSOLE,
                    user_id=user,
                    chat_id=user,
                    now=now,
                )
                notes.append(
                    _("First start: you are the office admin on the console, as “{user}”.").format(user=user)
                )
                notes.append(
                    _(
                        "Invite an agency head with /moi KHCN head (or, from a shell: dondoc invite KHCN "
                        'head); they join with: dondoc say --as NAME "/start CODE". Type /help for '
                        "all commands."
                    )
                )
            session.commit()
        return notes

    @property
    def policy(self) -> "NudgePolicy":
        from dondoc.nudges.ladder import NudgePolicy  # the nudge modules load only where nudges are made

        c = self.config
        return NudgePolicy(
            before_days=c.nudge_before_days,
            late_every=c.nudge_late_every,
            escalate_after=c.nudge_escalate_after,
            hour=c.nudge_hour,
            skip_after_report=c.nudge_skip_after_report,
            periodic=c.nudge_periodic,
        )

    def sweep(self, now: dt.datetime | None = None) -> list["Message"]:
        """One sweep: log and queue the nudges owed now, in one transaction."""
        from dondoc.nudges.sweep import run_sweep
        from dondoc.nudges.workdays import WorkCalendar

        with self.sessions() as session:
            messages = run_sweep(
                session, now or self.clock(), self.config.tz, WorkCalendar.load(session), self.policy
            )
            session.commit()
        if messages:
            log.info("sweep queued %d nudge message(s)", len(messages))
        return messages

    def digest(self, kind: str, now: dt.datetime | None = None) -> int:
        from dondoc.nudges.digests import DAILY, send_digest
        from dondoc.nudges.workdays import WorkCalendar

        now = now or self.clock()
        with self.sessions() as session:
            if kind == DAILY and not WorkCalendar.load(session).is_working_day(
                now.astimezone(self.config.tz).date()
            ):
                return 0
            sent = send_digest(session, kind, now, self.config.tz)
            session.commit()
        return sent

    def export(
        self,
        path: Path,
        *,
        agency_id: int | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        language: str | None = None,
    ) -> "WorkbookInfo":
        """The assignments workbook (`reports.workbook`) as of today, written to `path` whole or not at all:
        to a temporary file beside it, renamed over `path` once complete. OSError when it cannot be written
        there (a folder, a missing folder, no permission, a full disk)."""
        from dondoc.reports.workbook import write_workbook  # openpyxl only when a workbook is made

        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
        try:
            with (
                os.fdopen(descriptor, "wb") as out,
                self.sessions() as session,
                use_language(language or self.config.default_language),
            ):
                info = write_workbook(
                    out,
                    session,
                    today=self.clock().astimezone(self.config.tz).date(),
                    tz=self.config.tz,
                    agency_id=agency_id,
                    start=start,
                    end=end,
                )
            os.chmod(temporary, 0o644)  # mkstemp's 0600 is for the half-written file only
            os.replace(temporary, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        return info

    def mark_reachable(self, platform: str, address: str, reachable: bool) -> None:
        """Record that a chat can (not) be reached; the office hears when someone blocked the bot."""
        with self.sessions() as session:
            person = set_link_active(session, platform, address, reachable)
            if person is not None and not reachable and person.active:  # not for one taken off
                tell(
                    session,
                    office(session),
                    self.clock(),
                    "alert",
                    lambda _admin: _blocked_text(person, platform),
                )
            session.commit()

    def menus(self, platform: str, address: str | None = None) -> list[Menu]:
        """Command menus on `platform`: with `address`, that chat's person's; otherwise the guests' default
        in each language and every linked person's own."""
        menus: list[Menu] = []
        if address is None:
            for language in (*LANGUAGES, None):
                menus.append(Menu(None, language, self._commands(Role.GUEST, language)))
        with self.sessions() as session:
            for link in links_on(session, platform, address):
                language = link.person.language or self.config.default_language
                menus.append(Menu(link.chat_id, None, self._commands(link.person.role, language)))
        return menus

    def _commands(self, role: Role, language: str | None) -> tuple[tuple[str, str], ...]:
        with use_language(language or self.config.default_language):
            return tuple((c.name, _(c.summary)) for c in self.registry.for_role(role))

    def close(self) -> None:
        self.engine.dispose()


def _blocked_text(person: Person, platform: str) -> str:
    return _(
        "⚠️ {name} ({agency}) has blocked the bot on {platform} and no longer receives messages there."
    ).format(
        name=person.name,
        agency=person.agency.name if person.agency else "—",
        platform=PLATFORM_NAMES.get(platform, platform),
    )
