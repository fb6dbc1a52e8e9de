"""Replies as plain text, for transports without buttons (console, Zalo), and splitting long texts."""

from dondoc.handlers.messages import Reply


def render(reply: Reply) -> str:
    """Plain text; choices become numbered lines that the person answers with the number."""
    lines = [reply.text]
    lines += [f"  {i}. {choice.label}" for i, choice in enumerate(reply.choices, start=1)]
    lines += [
        f"  📎 {a.filename}" + (f" {a.url}" if a.url else f": {a.note}" if a.note else "")
        for a in reply.attachments
    ]
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line boundaries where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return [p for p in pieces if p.strip()] or ["…"]
