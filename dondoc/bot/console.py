"""The console transport: a person at a terminal talks to the same handlers as on a messenger."""

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from dondoc.bot.app import CONSOLE, App
from dondoc.bot.outbox_sender import Delivery, OutboxSender
from dondoc.bot.plaintext import render
from dondoc.handlers.messages import Attachment, Choice, Incoming, Reply
from dondoc.i18n import _, use_language


class ConsoleTransport:
    """Speaks as one console person; messages queued for that person (nudges too) are printed with 📬."""

    platform = CONSOLE

    def __init__(self, app: App, user: str, out: TextIO | None = None) -> None:
        self.app = app
        self.user = user
        self.out = out or sys.stdout
        self.sender = OutboxSender(app, [self])

    def chat_ids(self) -> list[str]:
        return [self.user]

    async def send(self, chat_id: str, text: str, choices: tuple[Choice, ...] = ()) -> Delivery:
        print(f"📬 {render(Reply(text, choices))}", file=self.out)
        return Delivery.SENT

    def handle(self, text: str, attachments: tuple[Attachment, ...] = ()) -> list[Reply]:
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
        return replies

    def say(self, text: str, attachments: tuple[Attachment, ...] = ()) -> list[Reply]:
        """One message in as `user`; the replies and any messages queued for them printed."""
        replies = self.handle(text, attachments)
        asyncio.run(self.sender.drain())
        return replies

    async def interact(
        self, read: Callable[[str], str] = input, stop: asyncio.Event | None = None, deliver: bool = True
    ) -> None:
        """Read lines until end of input; with `deliver`, print queued messages after each one (without it,
        the caller's outbox sender does)."""
        with use_language(self.app.config.default_language):
            print(
                _("Đôn Đốc console — you are “{user}”. Type /help for commands, Ctrl-D to leave.").format(
                    user=self.user
                ),
                file=self.out,
            )
        if deliver:
            await self.sender.drain()
        while stop is None or not stop.is_set():
            try:
                line = await asyncio.to_thread(read, "> ")
            except (EOFError, KeyboardInterrupt):
                print(file=self.out)
                return
            if line.strip():
                await asyncio.to_thread(self.handle, line)
                if deliver:
                    await self.sender.drain()
