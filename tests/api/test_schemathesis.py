"""schemathesis against the live OpenAPI schema: every operation, anonymously and with a
member's token, over a server started by this test run with the demo region seeded.

Each operation gets a bounded number of generated cases (deterministic: `derandomize`),
once with path parameters that name real demo rows and once with generated ones (mostly
404s, which must be JSON and documented too). Every response must not be a server error,
must carry a status code the schema documents for the operation, and must match the
schema's description of that status code's body.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chamber.models import Position, PracticeNote
from directory.models import ListingStatus, Organization, Project, ProjectUse, Tag
from events.models import Event, SessionProposal
from hub.models import User
from pledges.models import Ask, Contribution, Pledge

MEMBER_EMAIL = "maya.okafor@example.org"
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def demo_path_parameters(member: User) -> dict[str, dict[str, object]]:
    """Path parameters naming real rows of the demo region, by path template."""
    organization = Organization.objects.filter(status=ListingStatus.PUBLISHED).first()
    project = Project.objects.filter(status=ListingStatus.PUBLISHED).first()
    event = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("-starts_at").first()
    proposal = SessionProposal.objects.filter(event__status=Event.Status.PUBLISHED).first()
    pledge = Pledge.objects.filter(organization__memberships__user=member).first()
    contribution = Contribution.objects.filter(pledge=pledge).first()
    practice = PracticeNote.objects.filter(status=ListingStatus.PUBLISHED).first()
    position = Position.objects.filter(open_for_endorsement=True).first()
    ask = Ask.objects.filter(status=Ask.Status.OPEN).order_by("pk").first()
    use = (
        ProjectUse.objects.filter(organization__memberships__user=member)
        .select_related("organization", "project")
        .first()
    )
    return {
        "/api/v1/organizations/{slug}/": {"slug": organization.slug},
        "/api/v1/projects/{slug}/": {"slug": project.slug},
        "/api/v1/tags/{slug}/": {"slug": Tag.objects.first().slug},
        "/api/v1/events/{slug}/": {"slug": event.slug},
        "/api/v1/events/{slug}/registration/": {"slug": event.slug},
        "/api/v1/events/{slug}/schedule/": {"slug": proposal.event.slug},
        "/api/v1/events/{slug}/sessions/": {"slug": proposal.event.slug},
        "/api/v1/events/{slug}/sessions/{id}/vote/": {
            "slug": proposal.event.slug,
            "id": proposal.pk,
        },
        "/api/v1/pledges/{id}/": {"id": pledge.pk},
        "/api/v1/pledges/{id}/end/": {"id": pledge.pk},
        "/api/v1/contributions/{id}/": {"id": contribution.pk},
        "/api/v1/contributions/{id}/approve/": {"id": contribution.pk},
        "/api/v1/contributions/{id}/reject/": {"id": contribution.pk},
        "/api/v1/practices/{slug}/": {"slug": practice.slug},
        "/api/v1/positions/{slug}/": {"slug": position.slug},
        "/api/v1/positions/{slug}/endorsements/": {"slug": position.slug},
        "/api/v1/asks/{id}/": {"id": ask.pk},
        "/api/v1/asks/{id}/offers/": {"id": ask.pk},
        "/api/v1/organizations/{slug}/uses/": {"slug": use.organization.slug},
        "/api/v1/organizations/{slug}/uses/{project}/": {
            "slug": use.organization.slug,
            "project": use.project.slug,
        },
        "/api/v1/projects/{slug}/users/": {"slug": use.project.slug},
    }


def run_cases(
    operation,
    *,
    base_url: str,
    headers: dict,
    path_parameters: dict | None,
    mode: GenerationMode,
) -> int:
    """Run the bounded cases of one operation; return how many ran, raise on a failure."""
    ran = 0

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
    def check(case):
        nonlocal ran
        ran += 1
        # Only the identity under test: no generated credentials.
        for name in list(case.headers or {}):
            if name.lower() in ("authorization", "cookie"):
                del case.headers[name]
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()
    return ran


@pytest.fixture
def no_throttles(monkeypatch):
    """Rates have tests of their own; here a 429 would only hide what the case found."""
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_its_schema_says(live_server, no_throttles, request):
    """0 server errors and 0 schema violations over every operation, anonymous and member."""
    call_command("seed_demo", verbosity=0)
    member = User.objects.get(email=MEMBER_EMAIL)
    token, _ = Token.objects.get_or_create(user=member)
    real = demo_path_parameters(member)

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    identities = {"anonymous": {}, "member": {"Authorization": f"Token {token.key}"}}
    failures: list[str] = []
    started = time.monotonic()
    cases = 0
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        has_input = bool(len(operation.query) or len(operation.body))
        runs = [(GenerationMode.POSITIVE, None)]
        if "{" in operation.path:
            runs.insert(0, (GenerationMode.POSITIVE, real[operation.path]))
        if has_input:
            # Invalid queries and bodies, aimed at real rows where the path names one.
            runs.append((GenerationMode.NEGATIVE, runs[0][1]))
        for identity, headers in identities.items():
            for mode, path_parameters in runs:
                try:
                    cases += run_cases(
                        operation,
                        base_url=live_server.url,
                        headers=headers,
                        path_parameters=path_parameters,
                        mode=mode,
                    )
                except Unsatisfiable:
                    continue  # nothing of this operation can be made invalid
                except (Exception, BaseExceptionGroup) as failure:  # schemathesis' is Base
                    failures.append(f"{operation.label} as {identity}, {mode.value}: {failure}")
    seconds = round(time.monotonic() - started)
    # Shown in pytest's summary (tests/conftest.py), also from xdist workers.
    request.node.user_properties.append(
        ("figures", f"schemathesis: {operations} operations, {cases} cases in {seconds} s")
    )
    assert operations >= 30
    assert not failures, f"{len(failures)} failing operations:\n\n" + "\n\n".join(failures)
