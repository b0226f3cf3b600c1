"""Read side of who uses what: which declarations the public sees, and how pages group them.

The visibility rule lives here and nowhere else: a declaration is public while both its
organization and its project are (`public_uses_q`, each half the directory's own rule). The
project page, the organization page, the directory's "used by" facet and the API read it.
"""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from directory.models import Organization, Project, ProjectUse
from directory.queries import public_organizations_q, public_projects, public_projects_q

# --- Who sees what ----------------------------------------------------------------------------


def public_uses_q(prefix: str = "") -> Q:
    """The declarations the public sees, as a condition; `prefix` reaches them through a
    relation ("uses__" from a project)."""
    return public_organizations_q(f"{prefix}organization__") & public_projects_q(
        f"{prefix}project__"
    )


def public_uses() -> QuerySet:
    return ProjectUse.objects.filter(public_uses_q())


# A project counts as used by an organization that runs it or is trying it out; one that
# stopped is listed apart and not counted.
COUNTED_STATUSES = (ProjectUse.Status.PRODUCTION, ProjectUse.Status.EVALUATING)

# The "used by" filter of the directory and the API: its one value, and the kinds it stands for.
USED_BY_PUBLIC = "public"
PUBLIC_KINDS = (Organization.Kind.GOVERNMENT,)


def used_by_public_bodies() -> Exists:
    """For projects: at least one public body (a published one) runs or evaluates it."""
    return Exists(
        public_uses().filter(
            project=OuterRef("pk"),
            status__in=COUNTED_STATUSES,
            organization__kind__in=PUBLIC_KINDS,
        )
    )


def users_count() -> Coalesce:
    """For projects: how many published organizations run or evaluate each (a subquery, so a
    list of projects needs no query of its own for it)."""
    counted = (
        public_uses()
        .filter(project=OuterRef("pk"), status__in=COUNTED_STATUSES)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- The project page and the API -------------------------------------------------------------

# Public bodies first: a city looking for software asks what other public bodies run.
KIND_ORDER = {
    kind: position
    for position, kind in enumerate(
        [
            Organization.Kind.GOVERNMENT,
            Organization.Kind.COMPANY,
            Organization.Kind.NONPROFIT,
            Organization.Kind.UNIVERSITY,
            Organization.Kind.LAB,
            Organization.Kind.COMMUNITY,
        ]
    )
}
# "Used by 3 public bodies, 2 companies": each kind counted, in the words of the language.
KIND_COUNTS = {
    Organization.Kind.COMPANY: ngettext_lazy("%(n)d company", "%(n)d companies", "n"),
    Organization.Kind.LAB: ngettext_lazy("%(n)d research lab", "%(n)d research labs", "n"),
    Organization.Kind.UNIVERSITY: ngettext_lazy("%(n)d university", "%(n)d universities", "n"),
    Organization.Kind.NONPROFIT: ngettext_lazy("%(n)d nonprofit", "%(n)d nonprofits", "n"),
    Organization.Kind.GOVERNMENT: ngettext_lazy("%(n)d public body", "%(n)d public bodies", "n"),
    Organization.Kind.COMMUNITY: ngettext_lazy(
        "%(n)d community group", "%(n)d community groups", "n"
    ),
}
# The heading of each kind's group on the project page.
KIND_GROUPS = {
    Organization.Kind.COMPANY: gettext_lazy("Companies"),
    Organization.Kind.LAB: gettext_lazy("Research labs"),
    Organization.Kind.UNIVERSITY: gettext_lazy("Universities"),
    Organization.Kind.NONPROFIT: gettext_lazy("Nonprofits"),
    Organization.Kind.GOVERNMENT: gettext_lazy("Public bodies"),
    Organization.Kind.COMMUNITY: gettext_lazy("Community groups"),
}


def kind_count_text(kind: str, n: int) -> str:
    counted = KIND_COUNTS.get(kind, ngettext_lazy("%(n)d organization", "%(n)d organizations", "n"))
    return counted % {"n": n}


def project_users(project: Project) -> QuerySet:
    """The project's public users with their organizations, by kind (in the kinds' order),
    then by name: the API's list."""
    kind_order = Case(
        *(When(organization__kind=kind, then=Value(n)) for kind, n in KIND_ORDER.items()),
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )
    return (
        public_uses()
        .filter(project=project)
        .select_related("organization")
        .order_by(kind_order, Lower("organization__name"), "pk")
    )


@dataclass(frozen=True)
class UsersOfKind:
    kind: str
    label: str  # "Public bodies"
    uses: list[ProjectUse]


@dataclass(frozen=True)
class ProjectUsers:
    """What the project page shows of its users: those that run or evaluate it, grouped
    by kind, and apart those that stopped."""

    groups: list[UsersOfKind]
    stopped: list[ProjectUse]

    @property
    def count(self) -> int:
        return sum(len(group.uses) for group in self.groups)

    @property
    def summary(self) -> str:
        """ "3 public bodies, 2 companies and 1 nonprofit"."""
        parts = [kind_count_text(group.kind, len(group.uses)) for group in self.groups]
        if len(parts) < 2:
            return "".join(parts)
        return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}

    def _with_status(self, status: str) -> int:
        return sum(use.status == status for group in self.groups for use in group.uses)

    @property
    def in_production(self) -> int:
        return self._with_status(ProjectUse.Status.PRODUCTION)

    @property
    def evaluating(self) -> int:
        return self._with_status(ProjectUse.Status.EVALUATING)


def project_users_by_kind(project: Project) -> ProjectUsers:
    """The project page's users, in one query."""
    rows = list(project_users(project))
    counted = [use for use in rows if use.status in COUNTED_STATUSES]
    groups = [
        UsersOfKind(kind=kind, label=KIND_GROUPS[kind], uses=list(uses))
        for kind, uses in groupby(counted, key=lambda use: use.organization.kind)
    ]
    stopped = [use for use in rows if use.status == ProjectUse.Status.STOPPED]
    return ProjectUsers(groups=groups, stopped=stopped)


# --- The organization page ----------------------------------------------------------------------

STATUS_ORDER = Case(
    *(When(status=status, then=Value(n)) for n, status in enumerate(ProjectUse.Status.values)),
    output_field=IntegerField(),
)


def organization_uses(organization: Organization) -> QuerySet:
    """The published projects the organization says it uses (its page, the API), in
    production first, then evaluating, then stopped; by name within each."""
    return (
        public_uses()
        .filter(organization=organization)
        .select_related("project", "organization")
        .order_by(STATUS_ORDER, Lower("project__name"), "pk")
    )


def declarations_of(organization: Organization) -> QuerySet:
    """Every declaration of the organization, public or not (what its admins manage)."""
    return (
        ProjectUse.objects.filter(organization=organization)
        .select_related("project", "organization")
        .order_by(STATUS_ORDER, Lower("project__name"), "pk")
    )


def declaration_of(organization: Organization, project_slug: str) -> ProjectUse | None:
    return (
        declarations_of(organization).filter(project__slug=project_slug).first()
        if project_slug
        else None
    )


def projects_to_declare() -> QuerySet:
    """What an organization may say it uses: the published projects, by name."""
    return public_projects().order_by(Lower("name"), "pk")
