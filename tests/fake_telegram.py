"""A fake Telegram Bot API server for tests.

`FakeTelegram` is a real HTTP server on 127.0.0.1 (tests/fake_botapi.py) that python-telegram-bot (or
httpx) talks to instead of api.telegram.org. It checks what the real Bot API checks where it matters for this
project: every call against the Bot API 10.1 method list (unknown methods, missing and mistyped
parameters), HTML parse mode as Telegram parses it, text (4,096) and caption (1,024) lengths after entity
parsing, callback_data size (64 bytes), callback answers, flood limits (429 with retry_after), blocked users
(403), unknown chats, getUpdates/webhook conflicts, bot commands, file downloads, and uploads by
multipart/form-data for sendDocument and sendPhoto (50 MB a request, 10 MB a photo; for a bigger photo the
fake answers the MTProto error PHOTO_SAVE_FILE_INVALID, its pick). Tests queue updates with `message()`,
`callback()` and `blocked_update()`, and read back what the bot did from `sent`, `files_to()`, `calls`,
`errors` and friends.

    with FakeTelegram() as fake:
        bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
        ...
        assert fake.texts_to(42) == ["Xin chào"]

The method list, tests/fixtures/telegram-methods.json (Bot API 10.1), is trimmed to the methods the bot and
the tests call, which are the ones FakeTelegram implements; any other method answers 404 like an unknown one.
To add a method, copy its entry from the full extract (name -> [{name, types, required}] and its "returns")
and write `_api_<name>`: FakeTelegram refuses a fixture with a method it does not implement.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from tests.fake_botapi import ApiError, FakeBotApi, UploadedFile, encode

SPEC_PATH = Path(__file__).resolve().parent / "fixtures" / "telegram-methods.json"

BOT_ID = 777000111
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200
GET_FILE_LIMIT = 20 * 1024 * 1024
UPLOAD_LIMIT = 50 * 1024 * 1024  # a multipart request, whatever it carries
PHOTO_LIMIT = 10 * 1024 * 1024
PHOTO_SIDES_LIMIT, PHOTO_RATIO_LIMIT = 10000, 20  # width + height; the longer side over the shorter
WEBHOOK_PORTS = {80, 88, 443, 8443}

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
TOO_LARGE = "Request Entity Too Large"  # what the Bot API's front server answers (413) past 50 MB

# Methods that put a message into a chat: they go through _send and count against the flood limits.
SENDING = {"sendMessage", "sendDocument", "sendPhoto", "editMessageText"}
FILE_FIELD = {"sendDocument": "document", "sendPhoto": "photo"}
# Update types left out when getUpdates/setWebhook get no allowed_updates (SPEC getUpdates.allowed_updates).
DEFAULT_EXCLUDED_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
COMMAND_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
INTEGER = re.compile(r"\s*[+-]?\d+\s*")
INLINE_BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_MISSING = object()


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk; None for anything else (the fake reads no other format)."""
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return None


# ------------------------------------------------------------------------------------------------
# HTML parse mode, after TDLib's parse_html (td/telegram/MessageEntity.cpp).

HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
    "pre": "pre",
    "code": "code",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; str(error) is TDLib's detail."""


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at text[pos] == "&" -> (character, position after it), or None."""
    end = pos + 1
    if end < len(text) and text[end] == "#":
        end += 1
        code = 0
        if end < len(text) and text[end] == "x":
            end += 1
            start = end
            while end < len(text) and text[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(text[end], 16)
                end += 1
                if code >= 0x10FFFF:
                    return None
        else:
            start = end
            while end < len(text) and text[end].isascii() and text[end].isdigit():
                code = code * 10 + int(text[end])
                end += 1
                if code >= 0x10FFFF:
                    return None
        if end == start or code == 0 or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        char = _NAMED_ENTITIES.get(text[pos + 1 : end], "")
        if not char:
            return None
    if end < len(text) and text[end] == ";":
        end += 1
    return char, end


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML -> (plain text, entities with UTF-16 offsets). Raises EntityParseError."""

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    plain: list[str] = []
    utf16 = 0
    stack: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                char, i = decoded
                plain.append(char)
                utf16 += _utf16_len(char)
                continue
        if c != "<":
            plain.append(c)
            utf16 += _utf16_len(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] != "/":
            # A start tag.
            name_begin = i
            while i < n and text[i] not in _SPACES and text[i] != ">":
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            tag = text[name_begin:i].lower()
            if tag not in HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {byte_offset(begin)}')
            argument = ""
            while True:
                while i < n and text[i] in _SPACES:
                    i += 1
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                if text[i] == ">":
                    break
                attr_begin = i
                while i < n and text[i] not in _SPACES and text[i] not in "=>/":
                    i += 1
                attribute = text[attr_begin:i].lower()
                if not attribute:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {byte_offset(begin)}'
                    )
                while i < n and text[i] in _SPACES:
                    i += 1
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                if text[i] != "=":
                    if text[i] in ">/" or text[i].isalpha():
                        if tag == "blockquote" and attribute == "expandable":
                            argument = "expandable"
                        if text[i] == "/":
                            i += 1
                        continue
                    raise EntityParseError(
                        f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                        f"at byte offset {byte_offset(begin)}"
                    )
                i += 1
                while i < n and text[i] in _SPACES:
                    i += 1
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                if text[i] not in "'\"":
                    value_begin = i
                    while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                        i += 1
                    value = text[value_begin:i].lower()
                    if i < n and text[i] not in _SPACES and text[i] != ">":
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {byte_offset(i)}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            decoded = _decode_entity(text, i)
                            if decoded is not None:
                                chars.append(decoded[0])
                                i = decoded[1]
                                continue
                        chars.append(text[i])
                        i += 1
                    if i < n:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                if (
                    (tag == "a" and attribute == "href")
                    or (tag == "tg-emoji" and attribute == "emoji-id")
                    or (tag == "tg-time" and attribute == "unix")
                ):
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value.removeprefix("language-")
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value.removeprefix("tg-")
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
                )
            stack.append({"tag": tag, "argument": argument, "offset": utf16, "begin": begin})
        else:
            # An end tag (or a lone "<" at the very end of the text).
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            i += 1
            name_begin = i
            while i < n and text[i] not in _SPACES and text[i] != ">":
                i += 1
            end_tag = text[name_begin:i].lower()
            expected = stack[-1]["tag"]
            if end_tag != expected:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {byte_offset(begin)}, expected "</{expected}>", '
                    f'found "</{end_tag}>"'
                )
            while i < n and text[i] in _SPACES:
                i += 1
            if i >= n or text[i] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            opened = stack.pop()
            length = utf16 - opened["offset"]
            if length > 0:
                entity: dict[str, Any] = {
                    "type": HTML_TAGS[expected],
                    "offset": opened["offset"],
                    "length": length,
                }
                argument = opened["argument"]
                if expected == "a":
                    entity["url"] = argument
                elif expected == "tg-emoji":
                    entity["custom_emoji_id"] = argument
                elif expected == "tg-time" and argument.isdigit():
                    entity["unix_time"] = int(argument)
                elif expected == "blockquote" and argument == "expandable":
                    entity["type"] = "expandable_blockquote"
                elif expected == "code" and argument:
                    if stack and stack[-1]["tag"] == "pre" and stack[-1]["offset"] == opened["offset"]:
                        stack[-1]["argument"] = argument  # <pre><code class="language-x"> = pre with language
                        entity = {}
                    else:
                        entity["language"] = argument
                elif expected == "pre" and argument:
                    entity["language"] = argument
                if entity:
                    entities.append(entity)
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


# ------------------------------------------------------------------------------------------------
# Parameter types (Bot API type names from the spec).


def _coerce_one(value: Any, kind: str, files: dict[str, UploadedFile]) -> tuple[bool, Any]:
    if isinstance(value, UploadedFile):
        return (True, value) if kind == "InputFile" else (False, None)
    if kind == "Integer":
        if isinstance(value, bool):
            return False, None
        if isinstance(value, int):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        if isinstance(value, str) and INTEGER.fullmatch(value):
            return True, int(value)
        return False, None
    if kind == "Float":
        if isinstance(value, bool):
            return False, None
        if isinstance(value, int | float):
            return True, float(value)
        if isinstance(value, str):
            try:
                return True, float(value)
            except ValueError:
                return False, None
        return False, None
    if kind == "Boolean":
        if isinstance(value, bool):
            return True, value
        if isinstance(value, int) and value in (0, 1):
            return True, bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
            return True, value.strip().lower() in ("true", "1")
        return False, None
    if kind == "String":
        if isinstance(value, str):
            return True, value
        if isinstance(value, bool):
            return True, "true" if value else "false"
        if isinstance(value, int | float):
            return True, str(value)
        return False, None
    if kind == "InputFile":
        if isinstance(value, str):
            if value.startswith("attach://") and value.removeprefix("attach://") in files:
                return True, files[value.removeprefix("attach://")]
            return True, value
        return False, None
    # "Array of X" and object types: JSON text in form bodies, already decoded in JSON bodies.
    wanted: type = list if kind.startswith("Array of ") else dict
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return False, None
    return (True, value) if isinstance(value, wanted) else (False, None)


def coerce(value: Any, types: Iterable[str], files: dict[str, UploadedFile]) -> tuple[bool, Any]:
    for kind in types:
        ok, converted = _coerce_one(value, kind, files)
        if ok:
            return True, converted
    return False, None


def load_spec(path: Path = SPEC_PATH) -> dict[str, list[dict[str, Any]]]:
    """{method: [{name, types, required}]} from the fixture (its "returns" are not needed here)."""
    return json.loads(path.read_text(encoding="utf-8"))["methods"]


# ------------------------------------------------------------------------------------------------


def _chat_key(value: Any) -> Any:
    """chat_id as sent -> int when numeric (the key used in `sent`, `blocked`, ...)."""
    if isinstance(value, str) and INTEGER.fullmatch(value):
        return int(value)
    return value


class FakeTelegram(FakeBotApi):
    """A Telegram Bot API look-alike on 127.0.0.1 (see the module docstring).

    Inspection attributes (filled under the lock; read them, don't mutate them while requests run), besides
    calls, errors, flood_errors, blocked, forgotten and abandoned_polls of FakeBotApi:
      sent                every successful message-sending call: method, chat_id, text (raw), plain
                          (parsed), parse_mode, reply_markup (decoded), message_id, message (the result),
                          at, params; for an upload the bytes under the field's name (document, photo, ...)
                          and its file name under <field>_name; for sendDocument/sendPhoto `file` (see
                          files_to())
      answered_callbacks  answerCallbackQuery calls: callback_query_id, text, show_alert, url, cache_time
      commands            {(json.dumps(scope, sort_keys=True), language_code or ""): [BotCommand dicts]}
      webhook             {} or {url, secret_token, max_connections, allowed_updates, ip_address, ...}
      files               {file_id: {"file": File dict, "data": bytes, "document": Document dict}}
      updates             the queued (unconfirmed) updates
    """

    CHAT_NOT_FOUND = "Bad Request: chat not found"
    BLOCKED = "Forbidden: bot was blocked by the user"
    BODY_ERRORS: ClassVar[dict[str, str]] = {
        "json": "Bad Request: can't parse JSON encoded request body",
        "multipart": "Bad Request: can't parse multipart/form-data: no boundary",
    }

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "dondoc_test_bot",
        chat_per_second: float = 1,
        chat_burst: int = 3,
        global_per_second: float = 30,
        group_per_minute: int = 20,
        *,
        clock: Callable[[], float] = time.monotonic,
        spec_path: Path = SPEC_PATH,
    ) -> None:
        super().__init__(token, clock)
        self.bot_username = bot_username
        self.chat_per_second = chat_per_second
        self.chat_burst = chat_burst
        self.global_per_second = global_per_second
        self.group_per_minute = group_per_minute
        self.methods = load_spec(spec_path)
        missing = [m for m in self.methods if m not in SENDING and not hasattr(self, f"_api_{m}")]
        if missing:
            raise ValueError(f"{spec_path.name} has methods FakeTelegram does not implement: {missing}")
        self._canonical = {name.lower(): name for name in self.methods}

        self.answered_callbacks: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.files: dict[str, dict[str, Any]] = {}

        self._next_update_id = 1000
        self._next_callback_id = 1
        self._file_counter = 0
        self._message_ids: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._pending_callbacks: set[str] = set()
        self._answered_ids: set[str] = set()
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0

    _chat_key = staticmethod(_chat_key)

    @staticmethod
    def _shown_text(record: dict[str, Any]) -> str | None:
        return record["plain"]  # the caption for media

    @property
    def base_url(self) -> str:
        """For Bot(base_url=...)/ApplicationBuilder().base_url(...): PTB appends the token."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Đôn Đốc", "username": self.bot_username}

    # ---- test controls --------------------------------------------------------------------------

    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None = None, count: int = 1
    ) -> None:
        """The next `count` calls of `method` fail with this error (checked before the parameters)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        method = self._canonical.get(method.lower(), method)
        self._fail(method, lambda: ApiError(status, description, retry_after), count)

    def commands_for(
        self, chat_id: int | str, language_code: str = "", *, user_id: int | None = None, admin: bool = False
    ) -> list[dict[str, Any]]:
        """The command list a user would see (core.telegram.org/bots/api#determining-list-of-commands)."""
        private = isinstance(chat_id, int) and chat_id > 0
        scopes: list[dict[str, Any]] = []
        if private:
            scopes += [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}]
        else:
            if user_id is not None:
                scopes.append({"type": "chat_member", "chat_id": chat_id, "user_id": user_id})
            if admin:
                scopes.append({"type": "chat_administrators", "chat_id": chat_id})
            scopes.append({"type": "chat", "chat_id": chat_id})
            if admin:
                scopes.append({"type": "all_chat_administrators"})
            scopes.append({"type": "all_group_chats"})
        scopes.append({"type": "default"})
        languages = [language_code, ""] if language_code else [""]
        with self._lock:
            for scope in scopes:
                for language in languages:
                    found = self.commands.get((json.dumps(scope, sort_keys=True), language))
                    if found:
                        return list(found)
        return []

    # ---- files ----------------------------------------------------------------------------------

    def add_file(
        self, content: bytes, file_name: str, mime_type: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """Store a file (as if a user had sent it) and return its Document dict for message(document=...)."""
        with self._cond:
            return self._store_file(content, file_name, mime_type, folder="documents")["document"]

    def _store_file(
        self, content: bytes, file_name: str | None, mime_type: str | None, folder: str
    ) -> dict[str, Any]:
        self._file_counter += 1
        n = self._file_counter
        suffix = Path(file_name).suffix if file_name else (".jpg" if folder == "photos" else "")
        file: dict[str, Any] = {
            "file_id": f"BQACAgUAAxkBAAIB{n:06d}fake",
            "file_unique_id": f"AgADfake{n}",
            "file_size": len(content),
        }
        document = dict(file)
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        entry = {
            "file": {**file, "file_path": f"{folder}/file_{n}{suffix}"},
            "data": content,
            "document": document,
        }
        self.files[file["file_id"]] = entry
        return entry

    def file_bytes(self, file_id: str) -> bytes:
        with self._lock:
            return self.files[file_id]["data"]

    def files_to(self, chat_id: int | str) -> list[dict[str, Any]]:
        """The documents and photos sent to the chat, in order: method, chat_id, file_id, file_name,
        mime_type, data (the bytes; None when sent by URL), url, caption (as the person reads it)."""
        with self._lock:
            return [dict(s["file"]) for s in self.sent_to(chat_id) if "file" in s]

    def _serve_path(self, path: str) -> tuple[int, bytes, str] | None:
        """GET /file/bot<token>/<file_path>: the bytes of a stored file."""
        download = re.fullmatch(r"/file/bot([^/]*)/(.+)", path)
        if download is None:
            return None
        if download.group(1) != self._token:
            return 401, encode(ApiError(401, "Unauthorized").envelope()), self.JSON_TYPE
        for entry in self.files.values():
            if entry["file"]["file_path"] == download.group(2):
                return 200, entry["data"], "application/octet-stream"
        return None

    # ---- update builders ------------------------------------------------------------------------

    def _queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            update = {"update_id": self._next_update_id, kind: payload}
            self._next_update_id += 1
            return self._push(update)

    def _user(self, user_id: int, first_name: str, username: str | None, language_code: str | None) -> dict:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _chat(self, chat_id: int | str, chat_type: str | None = None) -> dict[str, Any]:
        known = self._chats.get(chat_id)
        if known is not None and (chat_type is None or known["type"] == chat_type):
            return dict(known)
        if chat_type is None:
            chat_type = "channel" if isinstance(chat_id, str) else "private" if chat_id > 0 else "supergroup"
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            user = self._users.get(chat_id) if isinstance(chat_id, int) else None
            chat["first_name"] = user["first_name"] if user else "Người dùng"
            if user and "username" in user:
                chat["username"] = user["username"]
        else:
            chat["title"] = f"Nhóm {chat_id}"
        self._chats[chat_id] = chat
        return dict(chat)

    def _new_message_id(self, chat_id: int | str) -> int:
        message_id = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = message_id
        return message_id

    def message(
        self,
        user_id: int,
        text: str = "",
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Người dùng",
        username: str | None = None,
        language_code: str | None = "vi",
        reply_to_bot: bool = False,
        document: dict[str, Any] | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """Queue a message update from a user and return the update dict."""
        with self._cond:
            chat_id = user_id if chat_id is None else chat_id
            if chat_type == "private" and chat_id != user_id:
                chat_type = "supergroup"
            user = self._user(user_id, first_name, username, language_code)
            message: dict[str, Any] = {
                "message_id": self._new_message_id(chat_id),
                "date": int(time.time()),
                "chat": self._chat(chat_id, chat_type),
                "from": user,
            }
            group = chat_type != "private"
            if text:
                message["text"] = text
                entities = self._incoming_entities(text, group)
                if entities:
                    message["entities"] = entities
            if document is not None:
                message["document"] = document
                if caption:
                    message["caption"] = caption
                    entities = self._incoming_entities(caption, group, commands=False)
                    if entities:
                        message["caption_entities"] = entities
            if reply_to_bot:
                own = [
                    m for (c, _), m in self._messages.items() if c == chat_id and m["from"]["id"] == BOT_ID
                ]
                if own:
                    replied = json.loads(json.dumps(max(own, key=lambda m: m["message_id"])))
                else:
                    replied = {
                        "message_id": max(1, message["message_id"] - 1),
                        "date": int(time.time()),
                        "chat": self._chat(chat_id),
                        "from": self.bot_user,
                        "text": "…",
                    }
                message["reply_to_message"] = replied
            return self._queue("message", message)

    def _incoming_entities(self, text: str, group: bool, commands: bool = True) -> list[dict[str, Any]]:
        entities: list[dict[str, Any]] = []
        command_end = 0
        if commands and text.startswith("/"):
            first = re.split(r"\s", text, maxsplit=1)[0]
            command_end = len(first)
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(first)})
        if group:
            mention = "@" + self.bot_username
            for match in re.finditer(re.escape(mention) + r"\b", text, flags=re.IGNORECASE):
                if match.start() < command_end:
                    continue
                entities.append(
                    {
                        "type": "mention",
                        "offset": _utf16_len(text[: match.start()]),
                        "length": _utf16_len(mention),
                    }
                )
        return entities

    def callback(
        self,
        user_id: int,
        data: str,
        *,
        message_id: int,
        chat_id: int | None = None,
        first_name: str = "Người dùng",
        username: str | None = None,
        language_code: str | None = "vi",
    ) -> dict[str, Any]:
        """Queue a callback_query (a button press on the bot message `message_id`) and return the update."""
        with self._cond:
            chat_id = user_id if chat_id is None else chat_id
            user = self._user(user_id, first_name, username, language_code)
            chat = self._chat(chat_id)
            message = self._messages.get((chat_id, message_id))
            if message is None:
                message = {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": chat,
                    "from": self.bot_user,
                    "text": "…",
                }
                self._messages[(chat_id, message_id)] = message
                self._message_ids[chat_id] = max(self._message_ids.get(chat_id, 0), message_id)
            query_id = f"{4000000000000000000 + self._next_callback_id}"
            self._next_callback_id += 1
            self._pending_callbacks.add(query_id)
            payload = {
                "id": query_id,
                "from": user,
                "message": json.loads(json.dumps(message)),
                "chat_instance": f"-{abs(hash(chat_id)) % 10**18}",
                "data": data,
            }
            return self._queue("callback_query", payload)

    def blocked_update(self, user_id: int) -> dict[str, Any]:
        """The user blocked the bot: queue my_chat_member (member -> kicked) and block the chat."""
        return self._member_update(user_id, old="member", new="kicked")

    def unblocked_update(self, user_id: int) -> dict[str, Any]:
        """The user unblocked the bot: queue my_chat_member (kicked -> member) and unblock the chat."""
        return self._member_update(user_id, old="kicked", new="member")

    def _member_update(self, user_id: int, old: str, new: str) -> dict[str, Any]:
        def member(status: str) -> dict[str, Any]:
            found: dict[str, Any] = {"status": status, "user": self.bot_user}
            if status == "kicked":
                found["until_date"] = 0
            return found

        with self._cond:
            user = self._users.get(user_id) or self._user(user_id, "Người dùng", None, "vi")
            if new == "kicked":
                self.blocked.add(user_id)
            else:
                self.blocked.discard(user_id)
            payload = {
                "chat": self._chat(user_id, "private"),
                "from": user,
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            }
            return self._queue("my_chat_member", payload)

    # ---- requests -------------------------------------------------------------------------------

    def _method(self, name: str) -> str | None:
        return self._canonical.get(name.lower())  # Telegram's method names are case-insensitive

    def _handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        client_gone: Callable[[], bool],
    ) -> Any:
        if sum(len(file.data) for file in files.values()) > UPLOAD_LIMIT:
            raise ApiError(413, TOO_LARGE)
        checked = self._validate(method, params, files)
        checked["_client_gone"] = client_gone
        if method in SENDING:
            return self._send(method, checked)
        return getattr(self, f"_api_{method}")(checked)

    def _validate(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        """The method's parameters per the spec, converted to their types; unknown ones are dropped."""
        checked: dict[str, Any] = {}
        for spec in self.methods[method]:
            name = spec["name"]
            value = params.get(name, _MISSING)
            if value is _MISSING or value is None:
                value = files.get(name, _MISSING)
            if value is _MISSING:
                if spec["required"]:
                    raise bad_request(f'parameter "{name}" is required')
                continue
            ok, converted = coerce(value, spec["types"], files)
            if not ok:
                raise bad_request(f'parameter "{name}" has wrong type')
            checked[name] = converted
        return checked

    def _target(self, chat_id: Any) -> dict[str, Any]:
        """The chat named by chat_id; 400 for an empty or forgotten one."""
        if chat_id == "" or chat_id is None:
            raise bad_request("chat_id is empty")
        self._check_chat(chat_id, sending=False)
        return self._chat(chat_id)

    def _take_flood_tokens(self, chat_id: Any) -> None:
        """Take one message from the global, per-chat and group allowances, or raise 429 taking nothing."""
        now = self.clock()
        rate = self.global_per_second
        buckets = [
            self._bucket(("global",), rate, rate, now),
            self._bucket(chat_id, self.chat_per_second, self.chat_burst, now),
        ]
        waits = [bucket.wait(now) for bucket in buckets]
        window = None
        if isinstance(chat_id, int) and chat_id < 0:
            window = self._window(chat_id, 60, now)
            if len(window) >= self.group_per_minute:
                waits.append(window[0] + 60 - now if window else 60.0)
        wait = max(waits)
        if wait > 0:
            retry_after = max(1, math.ceil(wait - 1e-9))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after, flood=True)
        for bucket in buckets:
            bucket.take()
        if window is not None:
            window.append(now)

    def _format(self, text: str, parse_mode: str | None, limit: int, what: str) -> tuple[str, list[dict]]:
        """Parse text per parse_mode and check its length -> (plain, entities)."""
        mode = (parse_mode or "").lower()
        entities: list[dict[str, Any]] = []
        if mode == "html":
            try:
                plain, entities = parse_html(text)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif mode in ("", "markdown", "markdownv2"):
            plain = text  # Markdown is passed through unparsed
        else:
            raise bad_request("unsupported parse_mode")
        if what == "text" and not plain.strip():
            raise bad_request("message text is empty")
        if len(plain) > limit:
            raise bad_request("message is too long" if what == "text" else "message caption is too long")
        return plain, entities

    def _check_markup(self, markup: Any) -> None:
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise bad_request("can't parse inline keyboard button: Text must be a String")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                        raise bad_request("BUTTON_DATA_INVALID")
                if not INLINE_BUTTON_ACTIONS & button.keys():
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )

    def _attachment(self, method: str, p: dict[str, Any]) -> dict[str, Any] | UploadedFile | None:
        """The checked file of a sendDocument/sendPhoto: a `files` entry when sent by file_id, the upload
        (stored by the caller once the flood limits let it through), or None when sent by HTTP URL."""
        field = FILE_FIELD[method]
        value = p[field]  # required by the spec: present, an upload or a string
        if isinstance(value, str):
            if value in self.files:
                return self.files[value]
            if value.startswith(("http://", "https://")):
                return None  # Telegram would fetch it; the fake has nothing to fetch it from
            raise bad_request("wrong file identifier/HTTP URL specified")
        if not value.data:
            raise bad_request("file must be non-empty")
        if field == "photo":
            if len(value.data) > PHOTO_LIMIT:
                raise bad_request("PHOTO_SAVE_FILE_INVALID")
            size = png_size(value.data)
            if size and (
                min(size) == 0 or sum(size) > PHOTO_SIDES_LIMIT or max(size) > PHOTO_RATIO_LIMIT * min(size)
            ):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return value

    def _send(self, method: str, p: dict[str, Any]) -> Any:
        """Every chat-bound sending method: checks, flood limits, the resulting Message, a `sent` record."""
        chat_id = p.get("chat_id")
        edit = method.startswith("edit")
        if edit and chat_id is None:
            if "inline_message_id" not in p:
                raise bad_request("chat_id is empty")
            self._format(p.get("text") or "", p.get("parse_mode"), MESSAGE_LIMIT, "text")
            self._check_markup(p.get("reply_markup"))
            return True
        chat = self._target(chat_id)
        self._check_chat(chat_id)
        text_field = "text" if "text" in p or method in ("sendMessage", "editMessageText") else "caption"
        raw = p.get(text_field)
        plain: str | None = None
        entities: list[dict[str, Any]] = []
        if text_field == "text":
            plain, entities = self._format(raw or "", p.get("parse_mode"), MESSAGE_LIMIT, "text")
        elif raw is not None:
            plain, entities = self._format(raw, p.get("parse_mode"), CAPTION_LIMIT, "caption")
        markup = p.get("reply_markup")
        self._check_markup(markup)

        previous = None
        if edit:
            previous = self._messages.get((chat_id, p.get("message_id")))
            if previous is None:
                raise bad_request("message to edit not found")
            if previous.get(text_field) == plain and previous.get("reply_markup") == (
                markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
            ):
                raise ApiError(400, NOT_MODIFIED)

        attachment = self._attachment(method, p) if method in FILE_FIELD else None
        self._take_flood_tokens(chat_id)  # after every check: a refused call takes nothing
        if isinstance(attachment, UploadedFile):
            folder = "photos" if method == "sendPhoto" else "documents"
            attachment = self._store_file(attachment.data, attachment.file_name, attachment.mime_type, folder)

        if edit and previous is not None:
            message = dict(previous)
            message["edit_date"] = int(time.time())
            message.pop("entities", None)
            message.pop("reply_markup", None)
        else:
            message = {
                "message_id": self._new_message_id(chat_id),
                "date": int(time.time()),
                "chat": chat,
                "from": self.bot_user,
            }
        if plain is not None:
            message[text_field] = plain
            if entities:
                message["entities" if text_field == "text" else "caption_entities"] = entities
        if attachment is not None and method == "sendDocument":
            message["document"] = attachment["document"]
        elif attachment is not None:
            width, height = png_size(attachment["data"]) or (800, 600)
            file = attachment["file"]
            keys = ("file_id", "file_unique_id", "file_size")
            message["photo"] = [{**{k: file[k] for k in keys}, "width": width, "height": height}]
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message

        record: dict[str, Any] = {
            "method": method,
            "chat_id": chat_id,
            "text": raw,
            "plain": plain,
            "parse_mode": p.get("parse_mode"),
            "reply_markup": markup,
            "message_id": message["message_id"],
            "message": message,
            "at": self.clock(),
            "params": {k: v for k, v in p.items() if not k.startswith("_")},
        }
        for name, value in record["params"].items():
            if isinstance(value, UploadedFile):
                record[name], record[f"{name}_name"] = value.data, value.file_name
        if method in FILE_FIELD:
            field = FILE_FIELD[method]
            stored = attachment or {"data": None, "document": {}}  # nothing stored for an HTTP URL
            if attachment is not None:
                record[field] = attachment["data"]
            record["file"] = {
                "method": method,
                "chat_id": chat_id,
                **{key: stored["document"].get(key) for key in ("file_id", "file_name", "mime_type")},
                "data": stored["data"],
                "url": None if attachment else p[field],
                "caption": plain,
            }
        self.sent.append(record)
        return message

    # Individual methods. Each gets the validated params (with converted types) and returns the result.

    def _api_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_sendChatAction(self, p: dict[str, Any]) -> bool:
        self._target(p["chat_id"])
        self._check_chat(p["chat_id"])  # not counted by the flood limits
        return True

    def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        query_id = p["callback_query_id"]
        if query_id not in self._pending_callbacks or query_id in self._answered_ids:
            raise ApiError(400, TOO_OLD)
        text = p.get("text") or ""
        if len(text) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self._answered_ids.add(query_id)
        self._pending_callbacks.discard(query_id)
        self.answered_callbacks.append(
            {
                "callback_query_id": query_id,
                "text": p.get("text"),
                "show_alert": p.get("show_alert", False),
                "url": p.get("url"),
                "cache_time": p.get("cache_time", 0),
                "at": self.clock(),
            }
        )
        return True

    def _api_getFile(self, p: dict[str, Any]) -> dict[str, Any]:
        entry = self.files.get(p["file_id"])
        if entry is None:
            raise bad_request("invalid file_id")
        if entry["file"]["file_size"] > GET_FILE_LIMIT:
            raise bad_request("file is too big")
        return dict(entry["file"])

    # ---- getUpdates and webhooks ----------------------------------------------------------------

    def _allowed(self, update: dict[str, Any]) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    def _confirm(self, offset: int) -> None:
        """Forget the updates before `offset` (a negative one keeps the last -offset)."""
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
        while offset >= 0 and self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()

    def _api_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(409, WEBHOOK_CONFLICT)
        if "allowed_updates" in p:
            self._allowed_updates = list(p["allowed_updates"]) or None
        if "offset" in p:
            self._confirm(p["offset"])
        limit = min(100, max(1, p.get("limit", 100)))
        timeout = max(0, p.get("timeout", 0))
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # an older getUpdates still waiting must end with 409

        def take() -> list[dict[str, Any]] | None:
            if self._poll_generation != generation:
                raise ApiError(409, POLL_CONFLICT)
            if self.webhook.get("url"):
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            ready = [u for u in self.updates if self._allowed(u)][:limit]
            return json.loads(json.dumps(ready)) if ready else None

        return self._long_poll(min(timeout, 0.5), p["_client_gone"], take) or []

    def _api_setWebhook(self, p: dict[str, Any]) -> bool:
        url = p["url"]
        if url == "":
            self.webhook = {}
            return True
        parts = urlsplit(url)
        if parts.scheme.lower() != "https" or not parts.hostname:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in WEBHOOK_PORTS:
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = p.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = p.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if p.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": max_connections,
            "allowed_updates": p.get("allowed_updates"),
            "ip_address": p.get("ip_address"),
            "has_custom_certificate": isinstance(p.get("certificate"), UploadedFile),
        }
        self._poll_generation += 1
        return True

    def _api_deleteWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = {}
        if p.get("drop_pending_updates"):
            self.updates.clear()
        return True

    def _api_getWebhookInfo(self, p: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": self.webhook.get("has_custom_certificate", False),
            "pending_update_count": len(self.updates),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
            if self.webhook.get("ip_address"):
                info["ip_address"] = self.webhook["ip_address"]
        return info

    # ---- bot commands ---------------------------------------------------------------------------

    def _commands_key(self, p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("BOT_COMMAND_SCOPE_INVALID")
        scope = dict(scope)
        for key in ("chat_id", "user_id"):
            value = scope.get(key)
            if isinstance(value, str) and INTEGER.fullmatch(value):
                scope[key] = int(value)
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            if "chat_id" not in scope:
                raise bad_request("BOT_COMMAND_SCOPE_INVALID: chat_id is required")
            self._target(scope["chat_id"])
        if scope["type"] == "chat_member" and "user_id" not in scope:
            raise bad_request("BOT_COMMAND_SCOPE_INVALID: user_id is required")
        language = p.get("language_code") or ""
        if language and not LANGUAGE_CODE.fullmatch(language):
            raise bad_request("LANG_CODE_INVALID")
        return json.dumps(scope, sort_keys=True), language

    def _api_setMyCommands(self, p: dict[str, Any]) -> bool:
        commands = p["commands"]
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("BOT_COMMAND_INVALID")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not BOT_COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(p)
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    def _api_deleteMyCommands(self, p: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _api_getMyCommands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return [dict(c) for c in self.commands.get(self._commands_key(p), [])]


__all__ = [
    "BOT_ID",
    "ApiError",
    "EntityParseError",
    "FakeTelegram",
    "UploadedFile",
    "parse_html",
    "png_size",
]
