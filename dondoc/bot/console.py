"""The console transport: a person at a terminal talks to the same handlers as on a messenger.

It speaks as one console person; messages queued for that person (nudges too) are printed with 📬.
"""

import asyncio
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from dondoc.bot.config import Config, ConsoleConfig
from dondoc.bot.plaintext import render
from dondoc.bot.transport import Delivery, MenuSource, OnIncoming
from dondoc.handlers.messages import Attachment, Incoming, Reply
from dondoc.i18n import _, use_language

NAME = "console"


def build(config: Config, menus: MenuSource) -> "ConsoleTransport":
    """Always there: it delivers the console people's messages even when nobody types."""
    return ConsoleTransport(config.console, config.default_language)


class ConsoleTransport:
    name = NAME
    account: str | None = None

    def __init__(
        self,
        config: ConsoleConfig,
        language: str = "vi",
        out: TextIO | None = None,
        read: Callable[[str], str] | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.user = config.user
        self.files_dir = config.files_dir
        self.language = language
        self.out = out or sys.stdout
        self.read = read or StdinLines(self.out).read
        self.interactive = (config.read_input or sys.stdin.isatty()) if interactive is None else interactive
        self.addresses: Sequence[str] | None = [self.user]
        self.done = asyncio.Event()
        self._reading: asyncio.Task[None] | None = None

    def incoming(self, text: str, attachments: tuple[Attachment, ...] = ()) -> Incoming:
        return Incoming(
            platform=NAME,
            user_id=self.user,
            chat_id=self.user,
            text=text,
            display_name=self.user,
            attachments=attachments,
        )

    async def start(self, on_incoming: OnIncoming) -> None:
        if not self.interactive:
            self.done.set()
            return
        with use_language(self.language):
            print(
                _("Đôn Đốc console — you are “{user}”. Type /help for commands, Ctrl-D to leave.").format(
                    user=self.user
                ),
                file=self.out,
            )
        self._reading = asyncio.create_task(self._read_lines(on_incoming))

    async def _read_lines(self, on_incoming: OnIncoming) -> None:
        """Lines come from a daemon thread, one at a time (the next prompt only once this line is
        answered); a thread blocked on the terminal then never holds the process at exit."""
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        answered = threading.Event()
        answered.set()
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read_thread, args=(loop, lines, answered), daemon=True).start()
        try:
            while (line := await lines.get()) is not None:
                if line.strip():
                    await on_incoming(self.incoming(line))
                answered.set()
            print(file=self.out)
        finally:
            self.done.set()

    def _read_thread(
        self, loop: asyncio.AbstractEventLoop, lines: "asyncio.Queue[str | None]", answered: threading.Event
    ) -> None:
        line: str | None = None
        while True:
            answered.wait()
            answered.clear()
            try:
                line = self.read("> ")
            except (EOFError, KeyboardInterrupt):
                line = None
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:  # the loop has closed: the bot stopped
                return
            if line is None:
                return

    async def stop(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
        self.done.set()

    async def send(self, address: str, message: Reply) -> Delivery:
        saved = [self._save(a) for a in message.attachments if a.content is not None]
        linked = tuple(a for a in message.attachments if a.content is None)
        text = render(replace(message, attachments=linked))
        print(f"📬 {text}" if message.queued else text, file=self.out)
        with use_language(self.language):
            for path in saved:
                print("  📎 " + _("saved as {path}").format(path=path), file=self.out)
        return Delivery.SENT

    def _save(self, attachment: Attachment) -> Path:
        """A file sent to the console person (a workbook, a chart), written under the files folder; a name
        already there gets a number rather than being overwritten."""
        folder = self.files_dir
        folder.mkdir(parents=True, exist_ok=True)
        name = Path(attachment.filename).name or "file"
        path, stem, suffix = folder / name, Path(name).stem, Path(name).suffix
        number = 1
        while path.exists():
            number += 1
            path = folder / f"{stem}-{number}{suffix}"
        assert attachment.content is not None
        path.write_bytes(attachment.content)
        return path


class StdinLines:
    """Lines of standard input read from its file descriptor, not through Python's buffered reader:
    a daemon thread blocked in `input()` aborts the interpreter at exit, one blocked in `os.read` does
    not. EOFError at the end of input."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buffer = b""

    def read(self, prompt: str) -> str:
        print(prompt, end="", file=self.out, flush=True)
        while b"\n" not in self.buffer:
            chunk = os.read(sys.stdin.fileno(), 65536)
            if not chunk:
                if not self.buffer:
                    raise EOFError
                line, self.buffer = self.buffer, b""
                return line.decode("utf-8", "replace")
            self.buffer += chunk
        line, _newline, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8", "replace").rstrip("\r")
