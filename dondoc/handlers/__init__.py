"""What people can say. Each module holds one router; `build_registry` puts them together."""

from dondoc.handlers.registry import Registry


def build_registry() -> Registry:
    from dondoc.handlers import common, office, reports, tasks

    return Registry([common.router, tasks.router, reports.router, office.router])
