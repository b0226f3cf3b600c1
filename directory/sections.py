"""Sections that higher apps add to the organization page.

`directory` sits below `events` and `pledges`, so it never imports them: an app that has
something to show on an organization's page registers a section in its `AppConfig.ready()`,
and the page renders every section that has something to show, by `order`.

    register_organization_section("pledges", order=10, build=pledges_section)

`build(request, organization, *, can_manage)` returns None (nothing to show) or a dict with
"template" (rendered inside the page, with the page's context plus "context"), "context",
and optionally "stylesheets" (static paths the page links in its head).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrganizationSection:
    name: str
    template: str
    context: dict = field(default_factory=dict)
    stylesheets: tuple[str, ...] = ()


Build = Callable[..., dict | None]

_builders: dict[str, tuple[int, Build]] = {}


def register_organization_section(name: str, order: int, build: Build) -> None:
    """Add (or, under the same name, replace) a section of the organization page."""
    _builders[name] = (order, build)


def unregister_organization_section(name: str) -> None:
    _builders.pop(name, None)


def organization_sections(request, organization, *, can_manage: bool) -> list:
    """The sections to show on `organization`'s page for this request, in order."""
    sections = []
    for name, (_order, build) in sorted(_builders.items(), key=lambda item: (item[1][0], item[0])):
        built = build(request, organization, can_manage=can_manage)
        if built is None:
            continue
        sections.append(
            OrganizationSection(
                name=name,
                template=built["template"],
                context=built.get("context", {}),
                stylesheets=tuple(built.get("stylesheets", ())),
            )
        )
    return sections
