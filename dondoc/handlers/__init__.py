"""What people can say. Each module holds one router; `build_registry` puts them together."""

from dondoc.handlers.registry import Registry, Router


def build_registry(*extra: Router) -> Registry:
    from dondoc.handlers import common, notices, office, reports, tasks

    return Registry([common.router, tasks.router, reports.router, office.router, notices.router, *extra])
