"""The declared read model: every domain's declarations (api/<domain>/reads.py) by type name,
and the root fields they answer. The only module that imports them all."""

from __future__ import annotations

from functools import cache

from api.compiled.declare import LINK_SHAPE, PERIOD_SHAPE, SECTION_SHAPE, Root, Shape


@cache
def types() -> dict[str, Shape]:
    from api.agreements import reads as agreements
    from api.dashboards import reads as dashboards
    from api.editorial import reads as editorial
    from api.followups import reads as followups
    from api.geography import reads as geography
    from api.people import reads as people
    from api.promises import reads as promises
    from api.services import reads as services

    declared: list[Shape] = [PERIOD_SHAPE, SECTION_SHAPE, LINK_SHAPE]
    for module in (geography, agreements, promises, followups, services, people, dashboards, editorial):
        declared.extend(module.DECLARED)
    return {shape.name: shape for shape in declared}


@cache
def roots() -> dict[str, Root]:
    from api.agreements import reads as agreements
    from api.dashboards import reads as dashboards
    from api.editorial import reads as editorial
    from api.followups import reads as followups
    from api.geography import reads as geography
    from api.promises import reads as promises

    found: dict[str, Root] = {}
    for module in (geography, agreements, promises, followups, dashboards, editorial):
        found.update(module.ROOTS)
    return found
