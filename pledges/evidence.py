"""Checking a log's evidence against the forges: does the linked pull request, commit or
issue exist, is its author one of the person's forge accounts, and does the forge date it
within HUB_EVIDENCE_WINDOW_DAYS of the logged day?

The rules are one pure function (`judge`); the jobs around it fetch the item with the hub's
forge client outside any transaction, then record the verdict under the evidence row's lock.
A rate-limited forge leaves the link pending until the time the forge gave, and stops the
batch for that forge; an unreachable one is tried again later, a few times, then given up
with the reason. Nothing that fails is dropped: the reviewer sees why.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hub.forge import (
    ForgeClient,
    ForgeNotFound,
    ForgeRateLimited,
    ForgeUnavailable,
    Item,
    ItemRef,
    parse_item_url,
)
from hub.forge_accounts import forge_accounts_of
from hub.models import ForgeAccount, User
from pledges.leaderboards import leaderboards_invalidate
from pledges.models import ContributionEvidence

logger = logging.getLogger(__name__)
PENDING = ContributionEvidence.Status.PENDING

MAX_EVIDENCE_LINKS = 5
# A forge that does not answer is asked again after 5, 10, 20, 40, 80 minutes, then given up.
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=5)
# The periodic retry leaves fresh links to the job their own save enqueued.
RETRY_GRACE = timedelta(minutes=5)
RETRY_BATCH = 200
# Accounts on these hosts are what a person declares on their profile.
HOST_FORGES = {
    "github.com": ForgeAccount.Forge.GITHUB,
    "gitlab.com": ForgeAccount.Forge.GITLAB,
    "codeberg.org": ForgeAccount.Forge.CODEBERG,
}
KIND_NAMES = {"pull": "pull request", "commit": "commit", "issue": "issue"}
# Marked for the catalogue; translated where a person types the link, kept in English where
# the check job records it.
UNSUPPORTED = gettext_noop(
    "%(url)s is not a pull or merge request, commit or issue on a forge the hub knows "
    "(GitHub, GitLab, Codeberg)."
)


# --- Input ----------------------------------------------------------------------------------


def evidence_refs(urls, *, field: str = "evidence_urls") -> list[ItemRef]:
    """The items `urls` name, without repeats; ValidationError on `field` for a list too
    long or an address that names no item on a known forge."""
    urls = [url.strip() for url in urls if url and url.strip()]
    if len(urls) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            {field: _("Give at most %(limit)s links.") % {"limit": MAX_EVIDENCE_LINKS}}
        )
    refs, errors = [], []
    for url in urls:
        ref = parse_item_url(url) if len(url) <= 500 else None
        if ref is None:
            errors.append(_(UNSUPPORTED) % {"url": url[:100]})
        elif ref.url not in {known.url for known in refs}:
            refs.append(ref)
    if errors:
        raise ValidationError({field: errors})
    return refs


# --- The rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    author: str
    author_proven: bool | None
    item_date: datetime | None


@dataclass(frozen=True)
class Person:
    """What the rules know of the person who logged the hours."""

    accounts: dict[tuple[str, str], bool]  # (forge, lower-case name) -> proven
    emails: frozenset[str]
    # Their declared names someone else declared too: the reviewer is told.
    shared: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, user: User) -> "Person":
        rows = forge_accounts_of(user).values_list(
            "forge", "username", "proven", "claimed_by_others"
        )
        accounts, shared = {}, set()
        for forge, name, proven, claimed_by_others in rows:
            accounts[(forge, name.lower())] = proven
            if claimed_by_others:
                shared.add((forge, name.lower()))
        return cls(
            accounts=accounts, emails=frozenset(_verified_emails(user)), shared=frozenset(shared)
        )


def _verified_emails(user: User) -> set[str]:
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {email.lower() for email in verified}


def _dates(item: Item) -> list[tuple[str, datetime]]:
    opened = "authored" if item.ref.kind == "commit" else "opened"
    named = [
        (opened, item.created_at),
        ("merged", item.merged_at),
        ("committed", item.committed_at),
    ]
    return [(word, when) for word, when in named if when is not None]


def _day(when: datetime) -> date:
    return timezone.localdate(when)


def _days_apart(word: str, when: datetime, logged_day: date) -> str:
    days = (_day(when) - logged_day).days
    plural = "day" if abs(days) == 1 else "days"
    side = "after" if days > 0 else "before"
    return f"{word} {abs(days)} {plural} {side} the logged day"


def judge(item: Item, *, logged_day: date, person: Person, window_days: int) -> Verdict:
    """Whether `item` backs hours logged on `logged_day` by `person`."""
    forge = HOST_FORGES.get(item.ref.repo.host)
    proven = None
    if item.author_login and forge:
        proven = person.accounts.get((forge, item.author_login.lower()))
    author = item.author_login or item.author_name or item.author_email
    if proven is None and item.author_email and item.author_email.lower() in person.emails:
        # A commit carries an e-mail address: one the person verified with the hub is theirs.
        proven = True
    dates = _dates(item)
    near = [
        (word, when) for word, when in dates if abs((_day(when) - logged_day).days) <= window_days
    ]
    shown = near[-1] if near else None
    if shown is None and dates:
        shown = min(dates, key=lambda pair: abs((_day(pair[1]) - logged_day).days))
    item_date = shown[1] if shown else None
    if proven is None:
        whose = f"author is {author}, not one of yours" if author else "no author is given"
        if not forge and item.author_login:
            whose = f"author is {author} on {item.ref.repo.host}, where you have no account"
        return Verdict(ContributionEvidence.Status.FAILED, whose, author, None, item_date)
    if not near:
        reason = (
            _days_apart(*shown, logged_day) if shown else "the forge gives it no date"
        ) + f" (at most {window_days} apart)"
        return Verdict(ContributionEvidence.Status.FAILED, reason, author, proven, item_date)
    what = KIND_NAMES[item.ref.kind]
    found = (
        f"{what.capitalize()} by {author}, {shown[0]} on {date_format(_day(shown[1]), 'M j, Y')}"
    )
    if forge and item.author_login and (forge, item.author_login.lower()) in person.shared:
        found += " (a declared account that someone else declared too)"
    elif not proven:
        found += " (a declared account, not proven)"
    return Verdict(ContributionEvidence.Status.CHECKED, found, author, proven, item_date)


# --- The jobs -------------------------------------------------------------------------------


def _due() -> Q:
    return Q(retry_after__isnull=True) | Q(retry_after__lte=timezone.now())


def evidence_check(*, evidence_id: int, client: ForgeClient | None = None) -> str | None:
    """Check one link if it still waits; returns its status afterwards, None if skipped.

    Raises ForgeRateLimited after recording it, so a batch can stop asking that forge.
    """
    evidence = (
        ContributionEvidence.objects.filter(
            pk=evidence_id, status=ContributionEvidence.Status.PENDING
        )
        .filter(_due())
        .first()
    )
    if evidence is None:
        return None
    ref = parse_item_url(evidence.url)
    if ref is None:  # the hub no longer knows this forge
        return _record(evidence.pk, failed=UNSUPPORTED % {"url": evidence.url[:100]})
    own_client = client is None
    client = client or ForgeClient()
    try:
        item = client.item(ref)
    except ForgeNotFound:
        return _record(evidence.pk, failed=f"not found on {ref.repo.host}")
    except ForgeRateLimited as limited:
        _record(evidence.pk, rate_limited_until=limited.until)
        raise
    except ForgeUnavailable as error:
        logger.info("Evidence %s: %s", evidence.pk, error)
        return _record(evidence.pk, unavailable=True)
    finally:
        if own_client:
            client.close()
    return _record(evidence.pk, item=item)


@transaction.atomic
def _record(
    evidence_id: int,
    *,
    item: Item | None = None,
    failed: str = "",
    rate_limited_until: datetime | None = None,
    unavailable: bool = False,
) -> str | None:
    evidence = (
        ContributionEvidence.objects.select_for_update()
        .select_related("contribution__contributor")
        .filter(pk=evidence_id, status=ContributionEvidence.Status.PENDING)
        .first()
    )
    if evidence is None:  # checked meanwhile, or the log dropped the link
        return None
    now = timezone.now()
    if rate_limited_until is not None:
        evidence.retry_after = rate_limited_until
        when = date_format(timezone.localtime(rate_limited_until), "M j, H:i")
        evidence.reason = f"The forge asked the hub to wait; checked again after {when}."
    elif unavailable:
        evidence.attempts += 1
        if evidence.attempts >= MAX_ATTEMPTS:
            evidence.status = ContributionEvidence.Status.FAILED
            evidence.reason = f"the forge did not answer ({evidence.attempts} tries)"
            evidence.checked_at = now
        else:
            evidence.retry_after = now + FIRST_RETRY * 2 ** (evidence.attempts - 1)
            evidence.reason = "The forge did not answer; the hub tries again later."
    elif failed:
        evidence.status, evidence.reason, evidence.checked_at = (
            ContributionEvidence.Status.FAILED,
            failed,
            now,
        )
    else:
        contribution = evidence.contribution
        verdict = judge(
            item,
            logged_day=contribution.date,
            person=Person.of(contribution.contributor),
            window_days=settings.HUB_EVIDENCE_WINDOW_DAYS,
        )
        evidence.status, evidence.reason = verdict.status, verdict.reason[:300]
        evidence.author = verdict.author[:200]
        evidence.author_proven = verdict.author_proven
        evidence.item_date = verdict.item_date
        evidence.title, evidence.state = item.title[:300], item.state[:20]
        evidence.checked_at = now
        evidence.retry_after = None
        if contribution.status == contribution.Status.APPROVED:
            # The boards count approved hours with checked evidence.
            transaction.on_commit(leaderboards_invalidate)
    evidence.save()
    return evidence.status


def evidence_record(*, evidence_id: int, item: Item) -> str | None:
    """Judge a link by an answer of the forge obtained elsewhere (the demo region's
    recorded answers); like a check, only while the link waits."""
    return _record(evidence_id, item=item)


def evidence_retry_due(*, limit: int = RETRY_BATCH, client: ForgeClient | None = None) -> int:
    """Check the links still waiting whose time has come (rate limit over, retry due, or
    their own job lost); returns how many were asked. A forge that rate-limits stops being
    asked for the rest of the batch."""
    due = (
        ContributionEvidence.objects.filter(status=ContributionEvidence.Status.PENDING)
        .filter(
            Q(retry_after__lte=timezone.now())
            | Q(retry_after__isnull=True, created_at__lte=timezone.now() - RETRY_GRACE)
        )
        .order_by("created_at", "pk")
        .values_list("pk", "url")[:limit]
    )
    paused: dict[str, datetime] = {}
    asked = 0
    forge = client or ForgeClient()
    try:
        for pk, url in due:
            ref = parse_item_url(url)
            host = ref.repo.host if ref else ""
            if host in paused:
                _record(pk, rate_limited_until=paused[host])
                continue
            asked += 1
            try:
                evidence_check(evidence_id=pk, client=forge)
            except ForgeRateLimited as limited:
                paused[host] = limited.until
    finally:
        if client is None:
            forge.close()
    return asked
