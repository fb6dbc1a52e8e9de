"""The `dondoc` command line."""

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dondoc.bot.app import App
from dondoc.bot.config import Config, ConfigError
from dondoc.bot.logs import configure_logging
from dondoc.bot.root import Bot
from dondoc.handlers import parsing
from dondoc.handlers.messages import Attachment, Refusal
from dondoc.handlers.periods import between
from dondoc.i18n import LANGUAGES, _, ngettext, use_language
from dondoc.store.agencies import (
    AgencyRow,
    DirectoryError,
    add_agency,
    agency_counts_by_kind,
    find_agency,
    list_agencies,
    load_directory,
    read_directory,
)
from dondoc.store.reorganisation import PeopleChoice
from dondoc.text import fold

if TYPE_CHECKING:
    from dondoc.nudges.sweep import Message


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dondoc", description="Đôn Đốc — task follow-up bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (with no token: the local console)")
    console = sub.add_parser("console", help="talk to the bot at this terminal")
    console.add_argument("--as", dest="user", help="console person (default: CONSOLE_USER)")
    say = sub.add_parser("say", help="send one message and print the replies")
    say.add_argument("--as", dest="user", help="console person (default: CONSOLE_USER)")
    say.add_argument("--attach", type=Path, help="a file sent with the message (a notice for /nhap)")
    say.add_argument("text", nargs="+", help="the message")
    invite = sub.add_parser("invite", help="print a one-time invite code: dondoc invite KHCN head")
    invite.add_argument("words", nargs="+", help="AGENCY ROLE, or ROLE alone for admin/leader")
    agencies = sub.add_parser("agencies", help="the agency directory")
    agency_sub = agencies.add_subparsers(dest="action", required=True)
    agency_sub.add_parser("list", help="list the agencies")
    agency_sub.add_parser("kinds", help="the kinds of agency, and what collective phrases in a notice mean")
    add = agency_sub.add_parser("add", help="add an agency, or aliases to an existing code")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--kind", default="other")
    add.add_argument("--alias", action="append", default=[])
    merge = agency_sub.add_parser(
        "merge", help="agencies merged into one: OLD… INTO NEW --on dd/mm/yyyy (unfinished tasks move to NEW)"
    )
    merge.add_argument("names", nargs="+", help="the old agencies, INTO, then the agency that takes over")
    rename = agency_sub.add_parser("rename", help="an agency renamed: OLD NEW --on dd/mm/yyyy")
    rename.add_argument("old", help="its name, abbreviation or code now")
    rename.add_argument("new", help="its new name")
    rename.add_argument("--code", default=None, help="a new code too (the old one still finds it)")
    for change in (merge, rename):
        change.add_argument("--on", default=None, help="the day it took effect (default: today)")
        change.add_argument("--yes", action="store_true", help="without asking")
    merge.add_argument(
        "--people",
        choices=[c.value for c in PeopleChoice],
        default=None,
        help="the old agencies' registered people: move them to NEW, or take them off the bot",
    )
    imp = agency_sub.add_parser("import", help="add agencies from a CSV file: code,name,kind,aliases")
    imp.add_argument("file", type=Path)
    notice = sub.add_parser("notice", help="read a notice into tasks")
    notice_sub = notice.add_subparsers(dest="action", required=True)
    parse = notice_sub.add_parser("parse", help="show the tasks found; writes nothing")
    parse.add_argument("file", type=Path)
    parse.add_argument("--json", action="store_true", help="machine-readable output")
    load = notice_sub.add_parser("import", help="show the tasks found, then import them after confirmation")
    load.add_argument("file", type=Path)
    load.add_argument("--yes", action="store_true", help="import without asking")
    load.add_argument(
        "--only-assigned",
        action="store_true",
        help="import the tasks whose lead agency is in the directory, leaving out the others",
    )
    nudges = sub.add_parser("nudges", help="what the scheduler sends")
    nudge_sub = nudges.add_subparsers(dest="action", required=True)
    look = nudge_sub.add_parser(
        "preview", help="what a sweep at a moment would send; sends and records nothing"
    )
    look.add_argument("--at", required=True, help='local time, e.g. "2026-03-24 08:00"')
    look.add_argument("--json", action="store_true")
    schedule = nudge_sub.add_parser("plan", help="the day-by-day schedule over a period")
    schedule.add_argument("--from", dest="start", required=True, help="first day, e.g. 2026-03-01")
    schedule.add_argument("--to", dest="end", required=True, help="last day, e.g. 2026-05-31")
    schedule.add_argument("--json", action="store_true")
    once = nudge_sub.add_parser("sweep", help="run one sweep now (the scheduler does this every few minutes)")
    once.add_argument("--at", help="local time instead of now")
    digest = sub.add_parser("digest", help="the office's daily and the leaders' weekly digest")
    digest_sub = digest.add_subparsers(dest="action", required=True)
    shown = digest_sub.add_parser(
        "preview", help="print a digest as it would go out; sends and records nothing"
    )
    shown.add_argument("kind", choices=["daily", "weekly"])
    shown.add_argument("--at", help='local time instead of now, e.g. "2026-03-23 08:00"')
    shown.add_argument(
        "--language", choices=["vi", "en"], help="the recipient's language (default: the bot's)"
    )
    export = sub.add_parser(
        "export", help="write the assignments workbook (.xlsx): a summary by agency and every assignment"
    )
    export.add_argument("file", type=Path, help="where to write it, e.g. tong-hop.xlsx")
    export.add_argument("--agency", help="one agency's assignments only (name, alias or code)")
    export.add_argument("--from", dest="start", help="original deadlines from this day, e.g. 1/1/2026")
    export.add_argument("--to", dest="end", help="original deadlines up to this day, e.g. 31/12/2026")
    export.add_argument("--language", choices=list(LANGUAGES), help="of the headers (default: the bot's)")
    people = sub.add_parser("people", help="who is registered, and taking off a person who left")
    people_sub = people.add_subparsers(dest="action", required=True)
    listed = people_sub.add_parser(
        "list", help="an agency's registered people and whether the bot can reach them; or the province's"
    )
    listed.add_argument("agency", nargs="*", help="name, alias or code (none: every agency at a glance)")
    leave = people_sub.add_parser(
        "deactivate", help="take off a person who left: no more reminders, digests or broadcasts"
    )
    leave.add_argument("name", nargs="+", help="their name as `people list` shows it, or their messenger id")
    leave.add_argument("--yes", action="store_true", help="without asking")
    calendar = sub.add_parser("calendar", help="extra days off and make-up working days")
    calendar_sub = calendar.add_subparsers(dest="action", required=True)
    for action, text in (("add-off", "an extra day off"), ("add-workday", "a make-up working day")):
        change = calendar_sub.add_parser(action, help=text)
        change.add_argument("day", help="e.g. 2026-04-29 or 29/4/2026")
        change.add_argument("--note", default=None)
    show = calendar_sub.add_parser("list", help="days off and working days in a year")
    show.add_argument("--year", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None, app: App | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = app.config if app else Config.load()
    except ConfigError as exc:
        print(f"dondoc: {exc}", file=sys.stderr)
        return 2
    running = (args.command or "run") == "run"
    configure_logging(config, config.log_level if running else "WARNING")
    if running:  # until the bot listens for them itself, SIGTERM and Ctrl-C stop the start-up quietly
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    owned = app is None
    try:
        app = app or App(config)
        try:
            with use_language(config.default_language):
                for note in app.bootstrap():
                    print(note)
                return _dispatch(args, app, config)
        finally:
            if owned:
                app.close()
    except BrokenPipeError:  # `dondoc say … | head`: the reader left; what was done is committed
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        if not running:
            raise
        logging.getLogger("dondoc.bot.root").info("stopped")
        return 0


def _dispatch(args: argparse.Namespace, app: App, config: Config) -> int:
    command = args.command or "run"
    if command == "run":
        return _run(config, app)
    if command == "console":
        bot = Bot.build(
            config, app=app, messengers=False, schedule=False, console_user=args.user, read_input=True
        )
        asyncio.run(bot.run())
        return 0
    if command == "say":
        attachments: tuple[Attachment, ...] = ()
        if args.attach is not None:
            try:
                attachments = (Attachment(args.attach.name, args.attach.read_bytes()),)
            except OSError as exc:
                print(f"dondoc: {args.attach}: {exc.strerror}", file=sys.stderr)
                return 2
        bot = Bot.build(
            config, app=app, messengers=False, schedule=False, console_user=args.user, read_input=False
        )
        asyncio.run(bot.say(" ".join(args.text), attachments))
        return 0
    if command == "invite":
        return _invite(app, " ".join(args.words))
    if command == "notice":
        return _notice(app, args)
    if command == "nudges":
        return _nudges(app, args)
    if command == "calendar":
        return _calendar(app, args)
    if command == "export":
        return _export(app, args)
    if command == "digest":
        return _digest(app, args)
    if command == "people":
        return _people(app, args)
    return _agencies(app, args)


def _run(config: Config, app: App) -> int:
    """`dondoc run`: 0 when stopped (SIGTERM, Ctrl-C: `main` logs it), 1 when no messenger could be kept
    running."""
    return asyncio.run(Bot.build(config, app=app).run())


def _day(app: App, text: str) -> dt.date:
    """A date as people write it (31/3/2026) or ISO (2026-03-31); Refusal says what to type instead."""
    return parsing.date(text, app.clock().astimezone(app.config.tz).date())


def _moment(app: App, text: str) -> dt.datetime:
    """'2026-03-24 08:00' (or 24/3/2026 08:00) in the configured zone; a date alone means noon."""
    day_text, _sep, time_text = text.strip().replace("T", " ").partition(" ")
    day = _day(app, day_text)
    hour, _colon, minute = (time_text.strip() or "12:00").partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise Refusal(_("“{text}” is not a time. Write it like 2026-03-24 08:00.").format(text=text.strip()))
    return dt.datetime(day.year, day.month, day.day, int(hour), int(minute), tzinfo=app.config.tz)


def _message_json(message: "Message", day: dt.date | None = None) -> dict:
    person = message.person
    entry = {
        "recipient": {
            "name": person.name,
            "role": person.role.value,
            "agency": person.agency.name if person.agency else None,
        },
        "task": message.owed.task_id,
        "agency": message.owed.agency_id,
        "step": message.owed.step.name,
        "escalation": message.owed.step.escalate,
        "text": message.text,
    }
    return {"date": day.isoformat(), **entry} if day else entry


def _nudges(app: App, args: argparse.Namespace) -> int:
    from dondoc.nudges.sweep import plan, preview
    from dondoc.nudges.workdays import WorkCalendar

    tz = app.config.tz
    try:
        if args.action == "plan":
            start, end = _day(app, args.start), _day(app, args.end)
        else:
            at = _moment(app, args.at) if args.at else app.clock()
    except Refusal as refusal:
        print(refusal.message, file=sys.stderr)
        return 2
    if args.action == "sweep":
        messages = app.sweep(at)
        print(_("{count} nudge message(s) queued.").format(count=len(messages)))
        return 0
    with app.sessions() as session:
        calendar = WorkCalendar.load(session)
        entries: list[tuple[dt.date | None, Message]]
        if args.action == "preview":
            entries = [(None, m) for m in preview(session, at, tz, calendar, app.policy)]
        else:
            entries = list(plan(session, start, end, tz, calendar, app.policy))
        if args.json:
            print(json.dumps([_message_json(m, day) for day, m in entries], ensure_ascii=False, indent=2))
            return 0
        if not entries:
            print(_("No nudges."))
        for day, message in entries:
            person = message.person
            head = f"{day.isoformat()} " if day else ""
            step = message.owed.step
            agency = person.agency.name if person.agency else ""
            alarm = " ⚠️" if step.escalate else ""
            print(f"— {head}→ {person.name} ({agency}) · #{message.owed.task_id} · {step.name}{alarm}")
            print(message.text)
    return 0


def _digest(app: App, args: argparse.Namespace) -> int:
    """`dondoc digest preview daily|weekly`: the text, and where the weekly chart was saved."""
    from dondoc.nudges.digests import preview

    try:
        at = _moment(app, args.at) if args.at else app.clock()
    except Refusal as refusal:
        print(refusal.message, file=sys.stderr)
        return 2
    with app.sessions() as session, use_language(args.language or app.config.default_language):
        reply = preview(session, args.kind, at, app.config.tz)
        print(reply.text)
        folder = app.config.console.files_dir
        for attachment in reply.attachments:
            assert attachment.content is not None
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{args.kind}-{at:%Y%m%d-%H%M}-{attachment.filename}"
            path.write_bytes(attachment.content)
            print("📎 " + _("chart saved as {path}").format(path=path))
    return 0


def _export(app: App, args: argparse.Namespace) -> int:
    """`dondoc export FILE.xlsx [--agency X] [--from dd/mm/yyyy] [--to dd/mm/yyyy] [--language vi|en]`: what
    /xuat sends, written to a file; a bad agency, date, period or path is one line on stderr and exit 2."""
    with use_language(args.language or app.config.default_language):
        try:
            start = _day(app, args.start) if args.start is not None else None
            end = _day(app, args.end) if args.end is not None else None
            if start is not None or end is not None:
                period = between(start, end)  # checked as /xuat checks it
                start, end = period.start, period.end
            agency_id = None
            if args.agency is not None:
                with app.sessions() as session:
                    agency_id = parsing.agency(session, args.agency).id
        except Refusal as refusal:
            print(refusal.message, file=sys.stderr)
            return 2
        try:
            info = app.export(args.file, agency_id=agency_id, start=start, end=end, language=args.language)
        except IsADirectoryError:
            print(
                _("{path} is a folder. Give the workbook a file name, for example {example}.").format(
                    path=args.file, example=args.file / "tong-hop.xlsx"
                ),
                file=sys.stderr,
            )
            return 2
        except OSError as exc:
            print(f"dondoc: {args.file}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        agencies = ngettext("{n} agency", "{n} agencies", len(info.summaries)).format(n=len(info.summaries))
        rows = ngettext("{n} assignment", "{n} assignments", info.rows).format(n=info.rows)
        print(
            _("Workbook written to {path}: {agencies}, {rows}.").format(
                path=args.file, agencies=agencies, rows=rows
            )
        )
    return 0


def _calendar(app: App, args: argparse.Namespace) -> int:
    from dondoc.nudges.workdays import WorkCalendar
    from dondoc.store.calendar import calendar_day, set_calendar_day

    with app.sessions() as session:
        if args.action == "list":
            year = args.year or app.clock().astimezone(app.config.tz).year
            calendar = WorkCalendar.load(session)
            day = dt.date(year, 1, 1)
            while day.year == year:
                name = calendar.holiday_name(day)
                changed = calendar_day(session, day)
                if changed is not None or (name and not calendar.is_working_day(day)):
                    kind = _("working day") if calendar.is_working_day(day) else _("day off")
                    print(f"{day.isoformat()}  {kind}  {(changed.note if changed else None) or name or ''}")
                day += dt.timedelta(days=1)
            return 0
        try:
            day = _day(app, args.day)
        except Refusal as refusal:
            print(refusal.message, file=sys.stderr)
            return 2
        working = args.action == "add-workday"
        set_calendar_day(session, day, working, args.note, app.clock())
        session.commit()
        kind = _("a working day") if working else _("a day off")
        print(_("{date} is now {kind}.").format(date=day.isoformat(), kind=kind))
    return 0


def _notice(app: App, args: argparse.Namespace) -> int:
    from dondoc.handlers.notices import apply_preview, describe_notice, preview, read_problem_message
    from dondoc.notices.importer import notice_json
    from dondoc.notices.mentions import Directory
    from dondoc.notices.parse import parse_notice
    from dondoc.notices.reader import NoticeReadError, read_notice
    from dondoc.nudges.workdays import office_calendar
    from dondoc.store.agencies import closest_agencies

    try:
        text = read_notice(args.file.read_bytes(), args.file.name)
    except OSError as exc:
        print(f"dondoc: {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except NoticeReadError as error:
        print(f"{args.file}: {read_problem_message(error.problem)}", file=sys.stderr)
        return 2
    now = app.clock()
    today = now.astimezone(app.config.tz).date()
    with app.sessions() as session:
        if args.action == "parse":
            parsed = parse_notice(text, Directory.load(session), today, office_calendar(session))
            if args.json:
                print(json.dumps(notice_json(parsed), ensure_ascii=False, indent=2))
            else:
                hints = closest_agencies(session, parsed.unknown)
                print(describe_notice(parsed, hints, agency_counts_by_kind(session)))
            return 0
        found = preview(session, text, today, app.config.tz)
        if found.kind == "nothing":  # imported already, or no task in it
            print(found.text, file=sys.stdout if found.update is not None else sys.stderr)
            return 0 if found.update is not None else 1
        print(found.text)
        if found.kind == "unassigned" or (found.held and not args.only_assigned):
            print(_cli_guidance(found.held, found.kind == "unassigned"), file=sys.stderr)
            return 1
        if found.update is not None:
            question = _("Update notice {notice}? [y/N] ").format(
                notice=found.update.notice.number or f"#{found.update.notice.id}"
            )
        else:
            question = _("Import these {count} task(s)? [y/N] ").format(count=found.assigned)
        if not _confirmed(question, args.yes):
            print(_("Cancelled. Nothing was recorded."))
            return 1
        try:
            outcome = apply_preview(session, found, text, None, now, today)
        except Refusal as refusal:
            print(refusal.message, file=sys.stderr)
            return 1
        session.commit()
        print(outcome)
    return 0


def _cli_guidance(held: int, none_assigned: bool) -> str:
    """Why `dondoc notice import` did nothing, when a task has no lead agency in the directory."""
    mapping = _(
        "Map each unknown name to its agency first (in chat: /bidanh NAME = CODE; here: dondoc agencies "
        'add CODE "Name" --alias "NAME"), then import the notice again.'
    )
    if none_assigned:
        return _("Nothing was imported: no task has a lead agency in the directory.") + " " + mapping
    return (
        _("Nothing was imported: {count} task(s) have no lead agency in the directory.").format(count=held)
        + " "
        + mapping
        + " "
        + _("Or add --only-assigned to go on with the tasks that have one.")
    )


def _invite(app: App, words: str) -> int:
    from dondoc.handlers.office import invite_instructions, make_invite

    with app.sessions() as session:
        try:
            invite = make_invite(session, words, None, app.clock(), app.dispatcher.invite_ttl)
        except Refusal as refusal:
            print(refusal.message.replace("/moi", "dondoc invite"), file=sys.stderr)
            return 2
        session.commit()
        print(invite_instructions(invite, app.config.telegram.username, app.config.tz))
    return 0


def _people(app: App, args: argparse.Namespace) -> int:
    """`dondoc people list [AGENCY]` and `dondoc people deactivate NAME [--yes]`: what /thanhvien and /nghi
    do, done by nobody in particular. Exit 2: no such agency or person, or a name that means several;
    1: cancelled, or the person may not be taken off."""
    from dondoc.handlers.access import deactivatable
    from dondoc.handlers.members import (
        agency_members,
        deactivate,
        describe,
        province_members,
        registered_candidates,
    )

    with app.sessions() as session:
        if args.action == "list":
            try:
                agency = parsing.agency(session, " ".join(args.agency)) if args.agency else None
            except Refusal as refusal:
                print(refusal.message, file=sys.stderr)
                return 2
            today = app.clock().astimezone(app.config.tz).date()
            text = agency_members(session, agency, today) if agency else province_members(session)
            print(_cli_words(text))
            return 0
        name = " ".join(args.name)
        try:
            candidates = registered_candidates(session, name)
        except Refusal as refusal:
            print(_cli_words(refusal.message), file=sys.stderr)
            return 2
        if len(candidates) > 1:
            print(_("Several registered people match “{name}”. Which one do you mean?").format(name=name))
            for person in candidates:
                accounts = ", ".join(f"{link.platform} {link.platform_user_id}" for link in person.links)
                print(f"  {describe(person)} · {accounts}")
            print(_("Give the full name, or the messenger id shown after it."), file=sys.stderr)
            return 2
        person = candidates[0]
        question = _("Take this person off the bot: {who}? [y/N] ").format(who=describe(person))
        try:
            deactivatable(session, None, person)
            if not _confirmed(question, args.yes):
                print(_("Cancelled. Nothing was recorded."))
                return 1
            outcome = deactivate(session, None, person, app.clock())
        except Refusal as refusal:
            print(_cli_words(refusal.message), file=sys.stderr)
            return 1
        session.commit()
        print(_cli_words(outcome))
    return 0


def _confirmed(question: str, yes: bool) -> bool:
    """`--yes`, or the answer typed to `question`; no answer at all (input closed) is no."""
    if yes:
        return True
    try:
        return parsing.is_yes(input(question)) is True
    except EOFError:
        print()
        return False


def _cli_words(text: str) -> str:
    """A chat answer for the terminal: the chat commands it names as the command line's."""
    return text.replace("/moi", "dondoc invite").replace("/thanhvien", "dondoc people list")


_INTO_WORDS = {"into", "vao"}


def _reorganise(app: App, args: argparse.Namespace) -> int:
    """`dondoc agencies merge OLD… INTO NEW` and `dondoc agencies rename OLD NEW`: what /sapnhap and
    /doiten do. Exit 2: names or a date that cannot be read; 1: cancelled or refused."""
    from dondoc.handlers import reorganisation as reorg

    now = app.clock()
    today = now.astimezone(app.config.tz).date()
    with app.sessions() as session:
        try:
            on = reorg.effective_day(args.on, today) if args.on else today
            if args.action == "rename":
                renaming = reorg.renaming_of(session, args.old, args.new, on)
                question = reorg.rename_preview(renaming)
                plan = None
            else:
                cut = next((i for i, word in enumerate(args.names) if fold(word) in _INTO_WORDS), None)
                if not cut or cut == len(args.names) - 1:
                    usage = _("Name the old agencies, then INTO, then the agency that takes over.")
                    print(usage, file=sys.stderr)
                    return 2
                olds, new = args.names[:cut], " ".join(args.names[cut + 1 :])
                each = all(find_agency(session, name) for name in olds)
                merger = reorg.merger_of(session, "; ".join(olds) if each else " ".join(olds), new, on)
                question, plan = reorg.merger_preview(session, merger)
        except Refusal as refusal:
            print(refusal.message, file=sys.stderr)
            return 2
        people = PeopleChoice(args.people) if args.action == "merge" and args.people else PeopleChoice.MOVE
        if plan is not None and plan.people and args.people is None:
            print(question)
            print(_("Say what becomes of them: --people move or --people deactivate."), file=sys.stderr)
            return 2
        if not _confirmed(question + " [c/K] ", args.yes):
            print(_("Cancelled. Nothing was recorded."))
            return 1
        try:
            if args.action == "rename":
                outcome = reorg.rename_agency(session, None, renaming, now, args.code and args.code.upper())
            else:
                outcome = reorg.merge_agencies(session, None, merger, people, now)
        except Refusal as refusal:
            print(refusal.message, file=sys.stderr)
            return 1
        session.commit()
        print(_cli_words(outcome))
    return 0


def _agencies(app: App, args: argparse.Namespace) -> int:
    if args.action in ("merge", "rename"):
        return _reorganise(app, args)
    now = app.clock()
    with app.sessions() as session:
        if args.action == "kinds":
            from dondoc.notices.collectives import kinds_table

            print(kinds_table(agency_counts_by_kind(session)))
            return 0
        if args.action == "list":
            for agency in list_agencies(session):
                aliases = ", ".join(
                    a.alias for a in agency.aliases if a.alias not in (agency.name, agency.code)
                )
                print(f"{agency.code:<24} {agency.name}" + (f"  ({aliases})" if aliases else ""))
            return 0
        try:
            rows = (
                read_directory(args.file)
                if args.action == "import"
                else [AgencyRow(args.code.upper(), args.name, args.kind, tuple(args.alias))]
            )
        except DirectoryError as exc:
            print(_("Cannot read the agency file: {error}").format(error=exc), file=sys.stderr)
            return 2
        if args.action == "add":
            skipped = add_agency(session, rows[0], now)[1]
        else:
            skipped = load_directory(session, rows, now)
        session.commit()
        for alias in skipped:
            print(
                _("Alias “{alias}” belongs to another agency and was not added.").format(alias=alias),
                file=sys.stderr,
            )
        print(_("{count} agencies added or updated.").format(count=len(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
