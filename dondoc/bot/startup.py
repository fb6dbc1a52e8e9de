"""A messenger transport's start-up calls: passing failures (a 5xx, a network error, a 429) are retried
with the delivery path's growing backoff (`transport.retrying`: 1 s, 2 s, 4 s, ...), a bounded number of
times, each wait logged; anything else — a refused token above all — is raised at once."""

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from dondoc.bot.transport import Retry, Sleep, retrying

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 6  # waits of 1 + 2 + 4 + 8 + 16 s: half a minute before a transport gives up


async def at_startup(
    transport: str,
    method: str,
    attempt: Callable[[], Awaitable[T | Retry]],
    sleep: Sleep,
    describe: Callable[[Exception], str] = str,
    attempts: int = ATTEMPTS,
) -> T:
    """What `attempt` gives, once it gives something other than a `Retry` (which carries the error);
    after `attempts` passing failures, the last one's error is raised. `describe` words an error for the
    log without a secret."""
    last: Retry | None = None

    async def recorded() -> T | Retry:
        nonlocal last
        result = await attempt()
        if isinstance(result, Retry):
            last = result
        return result

    async def wait(seconds: float) -> None:
        reason = describe(last.error) if last is not None and last.error is not None else "no answer"
        log.warning("%s: %s failed (%s); retrying in %.0f s", transport, method, reason, seconds)
        await sleep(seconds)

    result = await retrying(recorded, wait, attempts)
    if isinstance(result, Retry):
        raise result.error or RuntimeError(f"{method}: no answer")
    return result
