"""Who can be reached where: a person who blocks the bot is marked unreachable there, and the office told."""

from dondoc.bot.app import App
from dondoc.i18n import _, use_language
from dondoc.store.models import Role
from dondoc.store.outbox import enqueue
from dondoc.store.people import people_with_role, set_link_active

PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}


def mark_reachable(app: App, platform: str, chat_id: str, reachable: bool) -> None:
    """Record that a chat can (not) be reached; the office hears when someone blocked the bot."""
    with app.sessions() as session:
        person = set_link_active(session, platform, chat_id, reachable)
        if person is not None and not reachable:
            now = app.clock()
            for admin in people_with_role(session, Role.ADMIN):
                with use_language(admin.language):
                    text = _(
                        "⚠️ {name} ({agency}) has blocked the bot on {platform} and no longer receives "
                        "messages there."
                    ).format(
                        name=person.name,
                        agency=person.agency.name if person.agency else "—",
                        platform=PLATFORM_NAMES.get(platform, platform),
                    )
                    enqueue(session, admin, text, now, kind="alert")
        session.commit()
