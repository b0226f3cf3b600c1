"""Every state change of pledges: pledging, logging hours, reviewing them.

The scarce thing is a person's day: 24 hours across all their logs. Logging and editing
lock the person's row first, then add up their day under that lock, so two requests at
once cannot both squeeze hours into the same day.

The numbers are only as honest as their bounds: pledges are made for organizations the hub
published, start at most a year back, logs are for days within HUB_LOG_WINDOW_DAYS, and
nobody approves their own hours.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.models import ListingStatus, Organization
from directory.permissions import member_can_manage, organization_is_public
from hub.audit import audit_record
from hub.forge import ItemRef
from hub.jobs import enqueue_on_commit
from hub.locks import row_lock
from hub.models import User
from pledges.asks.services import answered_ask_error, close_asks_met_by
from pledges.evidence import evidence_refs
from pledges.leaderboards import leaderboards_invalidate
from pledges.models import Contribution, ContributionEvidence, Pledge
from pledges.permissions import user_can_log_hours, user_can_manage_pledge, user_can_review
from pledges.tasks import evidence_check_task

HOURS_PER_DAY = Decimal("24")
PLEDGE_FIELDS = (
    "kind", "hours_per_period", "percent", "workforce_size", "period", "starts_on", "ends_on",
    "public",
)  # fmt: skip
CONTRIBUTION_FIELDS = ("date", "hours", "project", "project_url", "description", "link", "ask")
# How far back a pledge may start, counted from the day it is made (staff: any date).
PLEDGE_BACKDATE = timedelta(days=365)


def _format_day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


# --- Pledges ------------------------------------------------------------------------------


def _save_pledge(pledge: Pledge, data: dict, target_projects, actor: User) -> None:
    starts_on_before = pledge.starts_on
    for field in PLEDGE_FIELDS:
        if field in data:
            setattr(pledge, field, data[field])
    if pledge.kind == Pledge.Kind.HOURS:
        pledge.percent = pledge.workforce_size = None
    else:
        pledge.hours_per_period = None
    errors = {}
    if pledge.kind == Pledge.Kind.HOURS and not pledge.hours_per_period:
        errors["hours_per_period"] = _("How many hours a period?")
    if pledge.kind == Pledge.Kind.PERCENT:
        if not pledge.percent:
            errors["percent"] = _("What percentage of working hours?")
        if not pledge.workforce_size:
            errors["workforce_size"] = _("How many people work at the organization?")
    made_on = timezone.localdate(pledge.created_at)
    earliest = made_on - PLEDGE_BACKDATE
    if (
        pledge.starts_on
        and pledge.starts_on != starts_on_before
        and pledge.starts_on < earliest
        and not actor.is_staff
    ):
        errors["starts_on"] = _("A pledge starts at most a year back: on %(day)s or later.") % {
            "day": _format_day(earliest)
        }
    if errors:
        raise ValidationError(errors)
    pledge.full_clean(exclude=["organization", "created_by"])
    pledge.save()
    if target_projects is not None:
        published = [p for p in target_projects if p.status == ListingStatus.PUBLISHED]
        pledge.target_projects.set(published)


@transaction.atomic
def pledge_create(
    *, organization: Organization, actor: User, data: dict, target_projects=None
) -> Pledge:
    if not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins make its pledges."))
    if not organization_is_public(organization):
        raise ValidationError(
            {
                "organization": _(
                    "Pledges are made for organizations listed in the directory; "
                    "this one is not published (yet)."
                )
            }
        )
    pledge = Pledge(organization=organization, created_by=actor)
    _save_pledge(pledge, data, target_projects, actor)
    audit_record(actor=actor, action="pledge.create", target=pledge)
    transaction.on_commit(leaderboards_invalidate)
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, actor: User, data: dict, target_projects=None) -> Pledge:
    with row_lock():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not user_can_manage_pledge(user=actor, pledge=pledge):
        raise PermissionDenied(_("Only the organization's owners and admins change its pledges."))
    _save_pledge(pledge, data, target_projects, actor)
    audit_record(actor=actor, action="pledge.update", target=pledge)
    transaction.on_commit(leaderboards_invalidate)
    return pledge


@transaction.atomic
def pledge_end(*, pledge: Pledge, actor: User, ends_on: date | None = None) -> Pledge:
    """End the pledge (today, or on `ends_on`); its history stays."""
    with row_lock():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not user_can_manage_pledge(user=actor, pledge=pledge):
        raise PermissionDenied(_("Only the organization's owners and admins end its pledges."))
    ends_on = ends_on or timezone.localdate()
    if ends_on < pledge.starts_on:
        raise ValidationError({"ends_on": _("A pledge cannot end before it starts.")})
    pledge.status = Pledge.Status.ENDED
    pledge.ends_on = ends_on
    pledge.ended_at = timezone.now()
    pledge.save(update_fields=["status", "ends_on", "ended_at"])
    audit_record(actor=actor, action="pledge.end", target=pledge)
    transaction.on_commit(leaderboards_invalidate)
    return pledge


# --- Logging hours ------------------------------------------------------------------------


def lock_person_day(user: User) -> None:
    """Serialise every change to this person's logged hours until the transaction ends
    (LockBusy if the lock stays busy)."""
    with row_lock():
        User.objects.select_for_update().filter(pk=user.pk).first()


def hours_logged_on(user: User, day: date, *, exclude_pk: int | None = None) -> Decimal:
    logs = Contribution.objects.filter(
        contributor=user, date=day, status__in=Contribution.COUNTING_TOWARDS_DAY
    )
    if exclude_pk is not None:
        logs = logs.exclude(pk=exclude_pk)
    return logs.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def _check_contribution(contribution: Contribution, *, ask_before: int | None = None) -> None:
    """Every rule a log must keep; raises ValidationError keyed by field. `ask_before`: the
    ask the log named before a change (it may keep naming it once the ask closed)."""
    pledge = contribution.pledge
    errors = {}
    ask_error = answered_ask_error(contribution, named_before=ask_before)
    if ask_error:
        errors["ask"] = ask_error
    today = timezone.localdate()
    window = settings.HUB_LOG_WINDOW_DAYS
    if contribution.date and contribution.date > today:
        errors["date"] = _("Hours can only be logged for today or earlier.")
    elif contribution.date and contribution.date < today - timedelta(days=window):
        errors["date"] = _("Hours are logged within %(days)s days: on %(day)s or later.") % {
            "days": window,
            "day": _format_day(today - timedelta(days=window)),
        }
    elif contribution.date and contribution.date < pledge.starts_on:
        errors["date"] = _("The pledge starts on %(day)s.") % {"day": _format_day(pledge.starts_on)}
    elif contribution.date and pledge.ends_on and contribution.date > pledge.ends_on:
        errors["date"] = _("The pledge ended on %(day)s.") % {"day": _format_day(pledge.ends_on)}
    if not contribution.project_id and not contribution.project_url:
        errors["project"] = _("Choose a listed project or give the project's address.")
    if contribution.project_id and contribution.project.status != ListingStatus.PUBLISHED:
        errors["project"] = _("Choose a project listed in the directory.")
    if errors:
        raise ValidationError(errors)
    contribution.full_clean(exclude=["pledge", "contributor", "reviewed_by"])
    already = hours_logged_on(
        contribution.contributor, contribution.date, exclude_pk=contribution.pk
    )
    if already + contribution.hours > HOURS_PER_DAY:
        left = max(HOURS_PER_DAY - already, Decimal("0"))
        raise ValidationError(
            {
                "hours": _(
                    "You already logged %(already)s hours on that day; "
                    "at most %(left)s more fit in 24 hours."
                )
                % {"already": f"{already.normalize():f}", "left": f"{left.normalize():f}"}
            }
        )


def _evidence_input(data: dict) -> list[ItemRef] | None:
    """The items `data["evidence_urls"]` links to, or None when the caller left them as
    they are."""
    if data.get("evidence_urls") is None:
        return None
    return evidence_refs(data["evidence_urls"])


def _evidence_save(contribution: Contribution, refs: list[ItemRef] | None, *, recheck: bool):
    """Keep the log's evidence links in step with `refs` (None: the same links), and check
    each new one, and each kept one again when the logged day moved (`recheck`), once the
    change commits: one job per link."""
    kept = {evidence.url: evidence for evidence in contribution.evidence.all()}
    if refs is not None:
        wanted = {ref.url for ref in refs}
        contribution.evidence.exclude(url__in=wanted).delete()
        kept = {url: evidence for url, evidence in kept.items() if url in wanted}
    to_check = []
    if recheck and kept:
        contribution.evidence.filter(pk__in=[e.pk for e in kept.values()]).update(
            status=ContributionEvidence.Status.PENDING,
            reason="",
            attempts=0,
            retry_after=None,
            checked_at=None,
        )
        to_check += [evidence.pk for evidence in kept.values()]
    for ref in refs or []:
        if ref.url not in kept:
            evidence = ContributionEvidence.objects.create(
                contribution=contribution, url=ref.url, kind=ref.kind
            )
            to_check.append(evidence.pk)
    for pk in to_check:
        enqueue_on_commit(evidence_check_task, pk)


@transaction.atomic
def contribution_evidence_recheck(*, contribution: Contribution, actor: User) -> int:
    """Check every link of the log again (hub staff; after a correction of its day, or
    once a person added the forge account a link is by). Returns how many links."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only hub staff ask for evidence to be checked again."))
    count = contribution.evidence.count()
    _evidence_save(contribution, None, recheck=True)
    if count:
        audit_record(actor=actor, action="contribution.evidence_recheck", target=contribution)
    return count


@transaction.atomic
def contribution_log(*, pledge: Pledge, user: User, data: dict) -> Contribution:
    """A member logs hours under their organization's pledge; another of its owners or
    admins (or hub staff) reviews them. Links to pull requests, commits or issues
    (`evidence_urls`) are checked against the forges by a job."""
    if not user_can_log_hours(user=user, pledge=pledge):
        raise PermissionDenied(_("Only members of the pledging organization log hours under it."))
    refs = _evidence_input(data)
    lock_person_day(user)
    pledge = Pledge.objects.get(pk=pledge.pk)  # as it is now, not as the caller loaded it
    if not pledge.is_active:
        raise ValidationError(_("This pledge has ended; it takes no more hours."))
    contribution = Contribution(pledge=pledge, contributor=user)
    for field in CONTRIBUTION_FIELDS:
        if field in data:
            setattr(contribution, field, data[field])
    _check_contribution(contribution)
    contribution.save()
    _evidence_save(contribution, refs, recheck=False)
    audit_record(actor=user, action="contribution.log", target=contribution)
    return contribution


def _own_pending_log(contribution: Contribution, user: User, *, not_theirs: str, not_pending: str):
    """The log, locked, when `user` logged it and it still waits for review: only then may
    they change or withdraw it (`not_theirs`, `not_pending`: the refusals, whole sentences)."""
    with row_lock():
        contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.contributor_id != user.pk:
        raise PermissionDenied(not_theirs)
    if contribution.status != Contribution.Status.PENDING:
        raise ValidationError(not_pending)
    return contribution


@transaction.atomic(durable=True)
def contribution_update(*, contribution: Contribution, user: User, data: dict) -> Contribution:
    """The contributor changes a log while it waits for review."""
    lock_person_day(user)
    contribution = _own_pending_log(
        contribution,
        user,
        not_theirs=_("Only the person who logged the hours changes them."),
        not_pending=_("Only logs waiting for review can be changed."),
    )
    refs = _evidence_input(data)
    logged_day, ask_before = contribution.date, contribution.ask_id
    for field in CONTRIBUTION_FIELDS:
        if field in data:
            setattr(contribution, field, data[field])
    _check_contribution(contribution, ask_before=ask_before)
    contribution.save()
    _evidence_save(contribution, refs, recheck=contribution.date != logged_day)
    audit_record(actor=user, action="contribution.update", target=contribution)
    return contribution


@transaction.atomic(durable=True)
def contribution_withdraw(*, contribution: Contribution, user: User) -> Contribution:
    contribution = _own_pending_log(
        contribution,
        user,
        not_theirs=_("Only the person who logged the hours withdraws them."),
        not_pending=_("Only logs waiting for review can be withdrawn."),
    )
    contribution.status = Contribution.Status.WITHDRAWN
    contribution.save(update_fields=["status"])
    audit_record(actor=user, action="contribution.withdraw", target=contribution)
    return contribution


# --- Review -------------------------------------------------------------------------------


def _review(
    contribution: Contribution, actor: User, status: str, reason: str = "", *, only_pending=False
) -> str | None:
    """Set a log's review status under its row lock; returns the status it had before, or
    None when nothing changed."""
    with row_lock():
        contribution = (
            Contribution.objects.select_for_update()
            .select_related("pledge")
            .get(pk=contribution.pk)
        )
    if contribution.contributor_id == actor.pk:
        raise PermissionDenied(
            _(
                "Nobody reviews their own hours: another owner or admin of the organization "
                "does, or hub staff when there is none."
            )
        )
    if not user_can_review(user=actor, contribution=contribution):
        raise PermissionDenied(_("Only the organization's owners and admins review its hours."))
    before = contribution.status
    if before == status or (only_pending and before != Contribution.Status.PENDING):
        return None
    if before == Contribution.Status.WITHDRAWN:
        raise ValidationError(_("This log was withdrawn by its author."))
    contribution.status = status
    contribution.reviewed_by = actor
    contribution.reviewed_at = timezone.now()
    contribution.rejection_reason = reason
    contribution.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
    audit_record(
        actor=actor,
        action=f"contribution.{status}",
        target=contribution,
        detail={"reason": reason} if reason else None,
    )
    return before


@transaction.atomic
def contribution_approve(*, contribution: Contribution, actor: User) -> None:
    if _review(contribution, actor, Contribution.Status.APPROVED):
        transaction.on_commit(leaderboards_invalidate)
        close_asks_met_by([contribution.pk], actor=actor)


@transaction.atomic
def contribution_reject(*, contribution: Contribution, actor: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the person can correct the log.")})
    before = _review(contribution, actor, Contribution.Status.REJECTED, reason.strip())
    if before == Contribution.Status.APPROVED:
        transaction.on_commit(leaderboards_invalidate)


@transaction.atomic(durable=True)
def contributions_approve(*, contributions, actor: User) -> int:
    """Approve the ones still pending among `contributions`, except the actor's own (someone
    else reviews those); returns how many changed."""
    approved = [
        contribution.pk
        for contribution in contributions
        if contribution.contributor_id != actor.pk
        and _review(contribution, actor, Contribution.Status.APPROVED, only_pending=True)
        is not None
    ]
    if approved:
        transaction.on_commit(leaderboards_invalidate)
        close_asks_met_by(approved, actor=actor)
    return len(approved)
