"""What people can say. Each module holds one router; `build_registry` puts them together."""

from dondoc.handlers.registry import Registry, Router


def build_registry(*extra: Router) -> Registry:
    from dondoc.handlers import (
        broadcasts,
        common,
        decisions,
        deputies,
        edits,
        exports,
        extensions,
        members,
        notices,
        office,
        picking,
        reorganisation,
        reports,
        tasks,
    )

    return Registry(
        [
            common.router,
            tasks.router,
            reports.router,
            extensions.router,
            decisions.router,
            edits.router,
            office.router,
            members.router,
            reorganisation.router,
            deputies.router,
            notices.router,
            picking.router,
            broadcasts.router,
            exports.router,
            *extra,
        ]
    )
