"""Each command is declared once; the registry drives dispatch, /help, permissions and menus."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dondoc.handlers.messages import Context, Reply
from dondoc.store.models import Role
from dondoc.text import key

Handler = Callable[[Context, str], list[Reply]]
FlowHandler = Callable[[Context, dict, str, str | None], list[Reply]]


@dataclass(frozen=True)
class Command:
    name: str  # Latin, lowercase, as Telegram requires: "baocao"
    func: Handler
    roles: frozenset[Role]
    summary: str  # msgid, translated when shown
    syntax: str  # msgid: "/baocao N 60% text"
    aliases: tuple[str, ...] = ()  # other words for the free-text form ("trogiup" for help)


class Router:
    """Commands and guided flows of one handler module."""

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.flows: dict[str, FlowHandler] = {}

    def command(
        self,
        name: str,
        *,
        roles: Iterable[Role],
        summary: str,
        syntax: str,
        aliases: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            self.commands.append(Command(name, func, frozenset(roles), summary, syntax, aliases))
            return func

        return register

    def flow(self, name: str) -> Callable[[FlowHandler], FlowHandler]:
        def register(func: FlowHandler) -> FlowHandler:
            self.flows[name] = func
            return func

        return register


class Registry:
    def __init__(self, routers: Iterable[Router]) -> None:
        self.commands: dict[str, Command] = {}
        self.words: dict[str, Command] = {}
        self.flows: dict[str, FlowHandler] = {}
        for router in routers:
            for command in router.commands:
                if command.name in self.commands:
                    raise ValueError(f"command {command.name} declared twice")
                self.commands[command.name] = command
                for word in (command.name, *command.aliases):
                    other = self.words.setdefault(key(word), command)
                    if other is not command:
                        raise ValueError(f"{word!r} names both /{other.name} and /{command.name}")
            for name, flow in router.flows.items():
                if self.flows.setdefault(name, flow) is not flow:
                    raise ValueError(f"flow {name} declared twice")

    def find(self, word: str) -> Command | None:
        """A command by its name or alias, with or without diacritics: 'báo cáo' -> baocao."""
        return self.words.get(key(word))

    def for_role(self, role: Role) -> list[Command]:
        return [c for c in self.commands.values() if role in c.roles]
