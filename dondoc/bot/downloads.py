"""Signed, expiring downloads served beside a webhook, for a messenger that cannot carry files (Zalo).

A file sent to a Zalo person (a workbook, a chart) is kept in memory for a while and sent as a link
beside the webhook (so behind the same reverse-proxy rule):
`{webhook URL}/files/{expires}/{sha256}/{signature}/{filename}`. The signature is an HMAC of the expiry
and the file's hash with the webhook's secret, checked in constant time before anything else; a link
past its time, tampered with, or for a file no longer kept answers 403, 410 or 404 and gives nothing.
Files are kept in this process only: after a restart an old link says it has expired, and the file is
asked for again (`/xuat`).
"""

import hashlib
import hmac
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import quote

import tornado.web

from dondoc.handlers.messages import Attachment

PATH = r"/files/(\d+)/([0-9a-f]{64})/([0-9a-f]{64})/([^/]+)"  # after the webhook's own path
TTL_SECONDS = 24 * 3600
KEPT = 64  # files kept at once; the oldest goes first


@dataclass(frozen=True)
class _Kept:
    content: bytes
    mime_type: str
    expires: int


class Downloads:
    def __init__(
        self, secret: str, base_url: str, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.secret = secret.encode()
        self.base_url = base_url.rstrip("/")
        self.ttl = ttl
        self.clock = clock
        self.files: OrderedDict[str, _Kept] = OrderedDict()

    def publish(self, attachment: Attachment) -> Attachment:
        """The attachment as a link to its signed download (its content kept here until it expires)."""
        assert attachment.content is not None
        digest = hashlib.sha256(attachment.content).hexdigest()
        expires = int(self.clock() + self.ttl)
        self.files[digest] = _Kept(
            attachment.content, attachment.mime_type or "application/octet-stream", expires
        )
        self.files.move_to_end(digest)
        while len(self.files) > KEPT:
            self.files.popitem(last=False)
        name = quote(attachment.filename.replace("/", "_"), safe="")
        url = f"{self.base_url}/files/{expires}/{digest}/{self._sign(expires, digest)}/{name}"
        return replace(attachment, content=None, url=url)

    def lookup(self, expires: str, digest: str, signature: str) -> tuple[int, _Kept | None]:
        """(HTTP status, the file): 403 for a bad signature, 410 past its time, 404 no longer kept."""
        if not hmac.compare_digest(signature.encode(), self._sign(int(expires), digest).encode()):
            return 403, None
        if int(expires) < self.clock():
            self.files.pop(digest, None)
            return 410, None
        kept = self.files.get(digest)
        return (200, kept) if kept is not None else (404, None)

    def handler(self, under: str) -> tuple[str, type[tornado.web.RequestHandler]]:
        """The route to add to the webhook server's application, under the webhook's path."""
        downloads = self

        class Download(tornado.web.RequestHandler):
            def get(self, expires: str, digest: str, signature: str, _name: str) -> None:
                status, kept = downloads.lookup(expires, digest, signature)
                self.set_status(status)
                if kept is None:
                    return
                self.set_header("Content-Type", kept.mime_type)
                self.set_header("Content-Disposition", "attachment")
                self.set_header("Cache-Control", "private, no-store")
                self.write(kept.content)

        return re.escape(under.rstrip("/")) + PATH, Download

    def _sign(self, expires: int, digest: str) -> str:
        return hmac.new(self.secret, f"{expires}/{digest}".encode(), hashlib.sha256).hexdigest()
