"""tests/netguard.py refuses connections and lookups beyond loopback, before anything leaves the machine,
and lets loopback and unix sockets through."""

import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests import netguard
from tests.fake_zalo import FakeZalo

OUTSIDE = ("93.184.216.34", 80)  # example.com's old address: never reached, the guard refuses it first
OUTSIDE_V6 = ("2606:2800:220:1:248:1893:25c8:1946", 80, 0, 0)


@pytest.fixture
def guard() -> Iterator[None]:
    """The guard is on (else the tests below would really try to connect); refusals they cause are theirs."""
    if not netguard.installed():
        pytest.fail("tests/netguard.py is not installed: is it in tests/conftest.py's pytest_plugins?")
    yield
    netguard.take_blocked()


def refused(attempt: Callable[[], object]) -> str:
    with pytest.raises(netguard.NetworkBlocked) as caught:
        attempt()
    assert "127.0.0.0/8" in str(caught.value)
    return str(caught.value)


def test_connections_beyond_loopback_are_refused(guard: None) -> None:
    with socket.socket() as sock:
        assert "93.184.216.34" in refused(lambda: sock.connect(OUTSIDE))
        refused(lambda: sock.connect_ex(OUTSIDE))
        refused(lambda: sock.connect(("10.0.0.1", 5432)))  # private ranges are not loopback either
        refused(lambda: sock.connect(("0.0.0.0", 80)))
        refused(lambda: sock.connect(("example.com", 80)))  # C would look the name up
    with socket.socket(socket.AF_INET6) as sock:
        refused(lambda: sock.connect(OUTSIDE_V6))
        refused(lambda: sock.connect(("::ffff:93.184.216.34", 80, 0, 0)))
    with socket.socket(type=socket.SOCK_DGRAM) as sock:
        refused(lambda: sock.sendto(b"\0", ("8.8.8.8", 53)))
        refused(lambda: sock.sendto(b"\0", 0, ("8.8.8.8", 53)))
    assert len(netguard.take_blocked()) == 9


def test_lookups_beyond_loopback_are_refused(guard: None) -> None:
    assert "example.com" in refused(lambda: socket.getaddrinfo("example.com", 443))
    refused(lambda: socket.getaddrinfo(OUTSIDE[0], 80))
    refused(lambda: socket.gethostbyname("example.com"))
    refused(lambda: socket.gethostbyname_ex("example.com"))
    refused(lambda: socket.create_connection(OUTSIDE, timeout=1))
    # a client library gets the guard's error, not a retryable network error
    refused(lambda: httpx.get("http://93.184.216.34/", timeout=1))
    refused(lambda: httpx.get("https://api.telegram.org/bot1:x/getMe", timeout=1))


def test_a_swallowed_refusal_still_fails_the_test(guard: None) -> None:
    with contextlib.suppress(Exception):  # what a retrying client does
        socket.create_connection(OUTSIDE, timeout=1)
    with pytest.raises(pytest.fail.Exception, match=r"tried to reach the network:\n.*93\.184\.216\.34"):
        netguard.fail_if_blocked()
    netguard.fail_if_blocked()  # reported once


def test_loopback_and_unix_sockets_work(guard: None, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection((host, port), timeout=5):
                server.accept()[0].close()
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.2", port)) != 0  # 127/8 is allowed (nothing listens there)
    assert socket.getaddrinfo(
        None, 0, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )  # what a server binds

    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        listener.listen()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)
            listener.accept()[0].close()

    with FakeZalo() as fake:
        assert httpx.get(f"{fake.api_url}/getMe", timeout=5).json()["ok"] is True
    assert netguard.take_blocked() == []


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_ipv6_loopback_works(guard: None) -> None:
    try:
        server = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        pytest.skip("::1 is not configured")
    with server, socket.create_connection(("::1", server.getsockname()[1]), timeout=5):
        server.accept()[0].close()
    assert netguard.is_loopback("::1")
    assert netguard.is_loopback("::ffff:127.0.0.1")
    assert not netguard.is_loopback("::ffff:93.184.216.34")
