"""A pytest plugin: tests reach nothing beyond this machine's loopback.

Enabled by tests/conftest.py (`pytest_plugins`). While it is installed, a socket connect/connect_ex/sendto
to an IP address outside 127.0.0.0/8 and ::1, and a name lookup (getaddrinfo, gethostbyname,
gethostbyname_ex) of anything but localhost or such an address, raise `NetworkBlocked` before a packet or
DNS query leaves. Unix sockets are not touched, and neither is libpq (psycopg talks to PostgreSQL from C),
so DATABASE_URL on 127.0.0.1:5432 keeps working. The wildcard addresses a server binds to (None, "",
0.0.0.0, ::) may be looked up, not connected to.

NetworkBlocked is not an OSError on purpose: code that retries on OSError must not take it for a flaky
network. Code under test may still swallow it (python-telegram-bot wraps any error in NetworkError and the
bot retries), so every refusal is also recorded, and a test during which one happened fails at teardown.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
ALLOWED = "tests reach only 127.0.0.0/8, ::1, localhost and unix sockets"

_blocked: list[str] = []  # refusals not yet reported (see take_blocked)
_originals: dict[tuple[object, str], Any] = {}


class NetworkBlocked(RuntimeError):
    """A test tried to reach an address beyond loopback."""


def is_loopback(host: object) -> bool:
    """True for localhost names and loopback IP literals (IPv4-mapped ones too, with or without a scope)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip().rstrip(".").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False  # a host name: looking it up would ask DNS
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _refuse(what: str, target: object) -> None:
    message = f"tests/netguard.py refused {what} {target!r}: {ALLOWED}"
    _blocked.append(message)
    raise NetworkBlocked(message)


def _check_address(sock: socket.socket, what: str, address: object) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or not isinstance(address, tuple) or not address:
        return  # unix, netlink, ... sockets stay on this machine; a malformed address fails on its own
    if not is_loopback(address[0]):
        _refuse(what, address)


def _guard_method(name: str) -> Callable[..., Any]:
    original = getattr(socket.socket, name)

    @functools.wraps(original)
    def guarded(self: socket.socket, *args: Any) -> Any:
        if args:
            _check_address(self, f"socket.{name} to", args[-1])  # the address is the last argument
        return original(self, *args)

    return guarded


def _guard_lookup(name: str) -> Callable[..., Any]:
    original = getattr(socket, name)

    @functools.wraps(original)
    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not (host is None or host in WILDCARDS or is_loopback(host)):
            _refuse(f"socket.{name} of", host)
        return original(host, *args, **kwargs)

    return guarded


def install() -> None:
    """Put the guard on socket.socket and the lookup functions (idempotent)."""
    if _originals:
        return
    for name in ("connect", "connect_ex", "sendto"):
        _originals[(socket.socket, name)] = getattr(socket.socket, name)
        setattr(socket.socket, name, _guard_method(name))
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        _originals[(socket, name)] = getattr(socket, name)
        setattr(socket, name, _guard_lookup(name))


def uninstall() -> None:
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    _originals.clear()


def installed() -> bool:
    return bool(_originals) and socket.socket.connect is not _originals[(socket.socket, "connect")]


def take_blocked() -> list[str]:
    """The refusals since the last call, forgotten (a test that provokes them on purpose takes them)."""
    taken = list(_blocked)
    del _blocked[: len(taken)]
    return taken


def fail_if_blocked() -> None:
    """Fail the current test if anything was refused, even when the code under test caught the error."""
    refused = take_blocked()
    if refused:
        pytest.fail("the test tried to reach the network:\n" + "\n".join(refused), pytrace=False)


def pytest_configure(config: pytest.Config) -> None:
    install()


def pytest_unconfigure(config: pytest.Config) -> None:
    uninstall()


@pytest.fixture(autouse=True)
def _no_network_reached() -> Iterator[None]:
    yield
    fail_if_blocked()
