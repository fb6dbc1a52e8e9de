"""Pacing for messenger sends: token buckets overall, per chat and per group, with an injected clock.

Telegram's limits (bots FAQ): about 30 messages/s overall, 1/s per chat with short bursts tolerated,
20/min in one group. Waiting here is cheaper than a 429 and its forced pause for every chat.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

EPSILON = 1e-9  # float refills can fall short of a whole token by a rounding error


@dataclass
class Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float | None = None  # full until first used; negative after a pause
    updated: float = 0.0

    def _refill(self, now: float) -> None:
        if self.tokens is None:
            self.tokens, self.updated = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self, now: float) -> float:
        self._refill(now)
        assert self.tokens is not None
        return 0.0 if self.tokens >= 1 - EPSILON else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        assert self.tokens is not None
        self.tokens -= 1


@dataclass
class RateLimiter:
    # A little under Telegram's figures: network jitter must not push a burst over their window.
    per_second: float = 29.5
    overall_burst: float = 25.0
    per_chat_second: float = 1.0
    chat_burst: float = 3.0
    group_per_minute: float = 20.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _overall: Bucket = field(init=False)
    _chats: dict[str, Bucket] = field(default_factory=dict, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def __post_init__(self) -> None:
        self._overall = Bucket(self.per_second, self.overall_burst)

    def _buckets(self, chat_id: str) -> list[Bucket]:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            group = chat_id.startswith("-")
            bucket = (
                Bucket(self.group_per_minute / 60, self.group_per_minute)
                if group
                else Bucket(self.per_chat_second, self.chat_burst)
            )
            self._chats[chat_id] = bucket
        return [self._overall, bucket]

    async def acquire(self, chat_id: str) -> None:
        """Wait until one more message to `chat_id` keeps within every limit, then count it."""
        async with self._lock:
            buckets = self._buckets(chat_id)
            while True:
                now = self.clock()
                delay = max(b.wait(now) for b in buckets)
                if delay <= 0:
                    for bucket in buckets:
                        bucket.take(now)
                    return
                await self.sleep(delay)

    def pause(self, seconds: float) -> None:
        """After a 429: nothing goes out for `seconds` (Telegram's retry_after)."""
        now = self.clock()
        self._overall.wait(now)
        assert self._overall.tokens is not None
        self._overall.tokens = min(self._overall.tokens, 1 - seconds * self._overall.rate)
