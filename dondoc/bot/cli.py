"""The `dondoc` command line."""

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from dondoc.bot.app import App
from dondoc.bot.config import Config, ConfigError
from dondoc.bot.console import ConsoleTransport
from dondoc.handlers.messages import Attachment, Context, Refusal
from dondoc.i18n import _, use_language
from dondoc.store.agencies import (
    AgencyRow,
    DirectoryError,
    add_agency,
    list_agencies,
    load_directory,
    read_directory,
)


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
    add = agency_sub.add_parser("add", help="add an agency, or aliases to an existing code")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--kind", default="other")
    add.add_argument("--alias", action="append", default=[])
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
    return parser


def main(argv: Sequence[str] | None = None, app: App | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = app.config if app else Config.load()
    except ConfigError as exc:
        print(f"dondoc: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=config.log_level if args.command == "run" else "WARNING",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    owned = app is None
    app = app or App(config)
    try:
        with use_language(config.default_language):
            for note in app.bootstrap():
                print(note)
            return _dispatch(args, app, config)
    finally:
        if owned:
            app.close()


def _dispatch(args: argparse.Namespace, app: App, config: Config) -> int:
    command = args.command or "run"
    if command in ("run", "console"):
        if command == "run" and (config.telegram_bot_token or config.zalo_bot_token):
            logging.getLogger(__name__).warning(
                "messenger transports are not built yet; starting the console"
            )
        ConsoleTransport(app, getattr(args, "user", None) or config.console_default_user).interact()
        return 0
    if command == "say":
        attachments = ()
        if args.attach is not None:
            try:
                attachments = (Attachment(args.attach.name, args.attach.read_bytes()),)
            except OSError as exc:
                print(f"dondoc: {args.attach}: {exc.strerror}", file=sys.stderr)
                return 2
        ConsoleTransport(app, args.user or config.console_default_user).say(" ".join(args.text), attachments)
        return 0
    if command == "invite":
        return _invite(app, " ".join(args.words))
    if command == "notice":
        return _notice(app, args)
    return _agencies(app, args)


def _notice(app: App, args: argparse.Namespace) -> int:
    from dondoc.handlers.notices import describe_notice, read_problem_message
    from dondoc.notices.importer import import_notice, notice_json, tell_agencies
    from dondoc.notices.mentions import Directory
    from dondoc.notices.parse import parse_notice
    from dondoc.notices.reader import NoticeReadError, read_notice

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
        parsed = parse_notice(text, Directory.load(session), today)
        if args.action == "parse" and args.json:
            print(json.dumps(notice_json(parsed), ensure_ascii=False, indent=2))
            return 0
        print(describe_notice(parsed))
        if args.action == "parse":
            return 0
        if parsed.unknown:
            print(
                _(
                    "Nothing was imported. Add the unknown names to the directory first, for example: "
                    'dondoc agencies add CODE "Name" --alias "name as written".'
                ),
                file=sys.stderr,
            )
            return 1
        if not parsed.tasks:
            return 1
        if not args.yes and input(
            _("Import these {count} task(s)? [y/N] ").format(count=len(parsed.tasks))
        ).strip().lower() not in ("y", "yes", "c", "co", "có"):
            print(_("Cancelled. Nothing was recorded."))
            return 1
        result = import_notice(session, parsed, text, None, now)
        if result.duplicate:
            print(
                _("This notice was imported already (notice #{number}); nothing was added.").format(
                    number=result.notice.id
                )
            )
            return 0
        told = tell_agencies(session, result.tasks, result.notice, now, today)
        session.commit()
        print(
            _("✅ Imported {count} task(s): {numbers}. {told} people were told of their new tasks.").format(
                count=len(result.tasks), numbers=", ".join(f"#{t.id}" for t in result.tasks), told=told
            )
        )
    return 0


def _invite(app: App, words: str) -> int:
    from dondoc.handlers.messages import Incoming
    from dondoc.handlers.office import invite_instructions, parse_invite_args
    from dondoc.store.people import create_invite

    now = app.clock()
    with app.sessions() as session:
        ctx = Context(
            session,
            Incoming(platform="cli", user_id="cli", chat_id="cli"),
            None,
            now,
            app.config.tz,
            app.registry,
        )
        try:
            role, agency = parse_invite_args(ctx, words)
        except Refusal as refusal:
            print(refusal.message.replace("/moi", "dondoc invite"), file=sys.stderr)
            return 2
        invite = create_invite(
            session, role=role, agency=agency, created_by=None, now=now, ttl=app.dispatcher.invite_ttl
        )
        session.commit()
        print(invite_instructions(invite, app.config.telegram_bot_username, app.config.tz))
    return 0


def _agencies(app: App, args: argparse.Namespace) -> int:
    now = app.clock()
    with app.sessions() as session:
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
