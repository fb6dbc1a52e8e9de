"""What people can say. Each module holds one router; `build_registry` puts them together."""

from dondoc.handlers.registry import Registry, Router


def build_registry(*extra: Router) -> Registry:
    from dondoc.handlers import (
        broadcasts,
        common,
        decisions,
        edits,
        exports,
        extensions,
        members,
        notices,
        office,
        picking,
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
            notices.router,
            picking.router,
            broadcasts.router,
            exports.router,
            *extra,
        ]
    )
