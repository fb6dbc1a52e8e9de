"""The console transport: a person at a terminal talks to the same handlers as on a messenger."""

import sys
from collections.abc import Callable
from typing import TextIO

from dondoc.bot.app import CONSOLE, App
from dondoc.handlers.messages import Attachment, Incoming, Reply
from dondoc.i18n import _, use_language
from dondoc.store.outbox import mark_sent, pending


def render(reply: Reply) -> str:
    """Plain text; choices become numbered lines that the person answers with the number."""
    lines = [reply.text]
    lines += [f"  {i}. {choice.label}" for i, choice in enumerate(reply.choices, start=1)]
    lines += [f"  📎 {a.filename}" for a in reply.attachments]
    return "\n".join(lines)


class ConsoleTransport:
    platform = CONSOLE

    def __init__(self, app: App, user: str, out: TextIO | None = None) -> None:
        self.app = app
        self.user = user
        self.out = out or sys.stdout

    def say(self, text: str, attachments: tuple[Attachment, ...] = ()) -> list[Reply]:
        """One message in as `user`; the replies and any queued messages for them printed."""
        incoming = Incoming(
            platform=CONSOLE,
            user_id=self.user,
            chat_id=self.user,
            text=text,
            display_name=self.user,
            attachments=attachments,
        )
        replies = self.app.dispatcher.handle(incoming)
        for reply in replies:
            print(render(reply), file=self.out)
        self.deliver_queued()
        return replies

    def deliver_queued(self) -> int:
        """Print the outbox rows addressed to this console person and mark them sent."""
        delivered = 0
        with self.app.sessions() as session:
            for row in pending(session, CONSOLE, [self.user]):
                print(f"📬 {row.text}", file=self.out)
                mark_sent(session, row, self.app.clock())
                session.commit()  # one row at a time: a crash never prints a row twice
                delivered += 1
        return delivered

    def interact(self, read: Callable[[str], str] = input) -> None:
        with use_language(self.app.config.default_language):
            print(
                _("Đôn Đốc console — you are “{user}”. Type /help for commands, Ctrl-D to leave.").format(
                    user=self.user
                ),
                file=self.out,
            )
        self.deliver_queued()
        while True:
            try:
                line = read("> ")
            except (EOFError, KeyboardInterrupt):
                print(file=self.out)
                return
            if line.strip():
                self.say(line)
