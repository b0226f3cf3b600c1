"""Every state change of asks: posting, changing and closing them, offers of hours, the
skills people list.

An ask is closed exactly once. Every way it closes (its maintainers by hand, an approval that
meets its hours, the hourly job for asks met or past their date) goes through `_close`, a
conditional update from open to the new status: of two transactions closing the same ask at
once, the second finds it no longer open and changes nothing, so one audit row is written and
one notification job enqueued (after commit), whose e-mails the ledger sends once.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Project, Tag
from directory.permissions import project_is_public
from hub.audit import audit_record
from hub.jobs import enqueue_on_commit
from hub.locks import row_lock
from hub.models import User
from hub.pagecache import public_pages_changed
from pledges.asks.permissions import user_can_withdraw, user_maintains
from pledges.asks.queries import (
    approved_hours_of,
    approved_hours_of_asks,
    ask_is_public,
    offer_of,
    public_asks,
)
from pledges.asks.tasks import send_ask_closed_task
from pledges.models import Ask, Contribution, Offer, PersonSkill

ASK_FIELDS = ("title", "text", "hours_wanted", "needed_by", "how_to_start")
MAX_SKILLS = 8
MAX_PERSON_SKILLS = 20
# How far ahead an ask may be dated: help wanted within a year is a plan, not an ask.
MAX_DAYS_AHEAD = 366
# Whether closing an ask tells the people concerned (`without_mail`: demo data).
_mail_on_close = ContextVar("asks_mail_on_close", default=True)


@contextmanager
def without_mail():
    """Asks that close inside this block tell nobody (seed_demo loads a met ask)."""
    token = _mail_on_close.set(False)
    try:
        yield
    finally:
        _mail_on_close.reset(token)


def _checked_skills(skills, limit: int = MAX_SKILLS) -> list[Tag]:
    skills = list(skills)
    if len(skills) > limit:
        raise ValidationError({"skills": _("Choose at most %(count)d skills.") % {"count": limit}})
    return skills


def _save_ask(ask: Ask, data: dict, skills) -> None:
    for field in ASK_FIELDS:
        if field in data:
            value = data[field]
            setattr(ask, field, value.strip() if isinstance(value, str) else value)
    today = timezone.localdate()
    errors = {}
    if not ask.title:
        errors["title"] = _("An ask needs a title.")
    if ask.needed_by and ask.needed_by < today:
        errors["needed_by"] = _("Choose today or a later day.")
    elif ask.needed_by and (ask.needed_by - today).days > MAX_DAYS_AHEAD:
        errors["needed_by"] = _("Choose a day within a year from today.")
    if errors:
        raise ValidationError(errors)
    ask.full_clean(exclude=["project", "posted_by", "closed_by"])
    ask.save()
    if skills is not None:
        ask.skills.set(_checked_skills(skills))


@transaction.atomic
def ask_post(*, project: Project, actor: User, data: dict, skills=()) -> Ask:
    """A maintainer of a published project asks for help."""
    if not user_maintains(user=actor, project=project):
        raise PermissionDenied(_("Only the project's maintainers post its asks."))
    if not project_is_public(project):
        raise ValidationError(
            {"project": _("Asks are posted for projects listed in the directory; this one is not.")}
        )
    ask = Ask(project=project, posted_by=actor)
    _save_ask(ask, data, skills)
    audit_record(actor=actor, action="ask.post", target=ask)
    return ask


def _lock(ask: Ask) -> Ask:
    with row_lock():
        return Ask.objects.select_for_update(of=("self",)).select_related("project").get(pk=ask.pk)


@transaction.atomic
def ask_edit(*, ask: Ask, actor: User, data: dict, skills=None) -> Ask:
    """Its maintainers change an open ask (a closed one stays as it was when it closed)."""
    ask = _lock(ask)
    if not user_maintains(user=actor, project=ask.project):
        raise PermissionDenied(_("Only the project's maintainers change its asks."))
    if ask.status != Ask.Status.OPEN:
        raise ValidationError(_("This ask is closed; post a new one."), code="closed")
    _save_ask(ask, data, skills)
    audit_record(actor=actor, action="ask.edit", target=ask, detail={"fields": sorted(data)})
    return ask


def _still_open(ask_id: int):
    """The ask's row while it is open: the condition of the one transition that closes it."""
    return Ask.objects.filter(pk=ask_id, status=Ask.Status.OPEN)


def _close(ask_id: int, status: str, *, actor: User | None, reason: str) -> bool:
    """Open → `status`, once: True when this call closed it. The maintainers and the people
    who offered hear of it after commit."""
    closed = _still_open(ask_id).update(
        status=status,
        closed_at=timezone.now(),
        closed_by=actor if actor and actor.is_authenticated else None,
    )
    if not closed:
        return False
    ask = Ask.objects.get(pk=ask_id)
    audit_record(actor=actor, action=f"ask.{status}", target=ask, detail={"reason": reason})
    _asks_pages_changed()
    if _mail_on_close.get():
        enqueue_on_commit(send_ask_closed_task, ask_id)
    return True


@transaction.atomic
def ask_close(*, ask: Ask, actor: User) -> bool:
    """Its maintainers close the ask by hand; True when it was open."""
    if not user_maintains(user=actor, project=ask.project):
        raise PermissionDenied(_("Only the project's maintainers close its asks."))
    return _close(ask.pk, Ask.Status.CLOSED, actor=actor, reason="closed by hand")


def close_asks_met_by(contribution_ids, *, actor: User | None = None) -> int:
    """After approvals (inside their transaction): close the asks those logs answer whose
    approved hours now meet the hours wanted. Returns how many closed."""
    ask_ids = set(
        Contribution.objects.filter(pk__in=list(contribution_ids), ask__isnull=False)
        .values_list("ask", flat=True)
        .distinct()
    )
    return sum(_close_if_met(ask_id, actor=actor) for ask_id in sorted(ask_ids))


def _close_if_met(ask_id: int, *, actor: User | None) -> bool:
    with row_lock():
        ask = Ask.objects.select_for_update().filter(pk=ask_id, status=Ask.Status.OPEN).first()
    if ask is None or approved_hours_of(ask_id) < ask.hours_wanted:
        return False
    return _close(ask_id, Ask.Status.MET, actor=actor, reason="approved hours met")


def asks_close_due(*, today: date | None = None) -> dict[str, int]:
    """The hourly job: close asks whose approved hours meet what they want (approvals close
    them at once; this catches a correction made in admin), then asks past their date. Each
    ask in its own transaction; running twice closes nothing twice."""
    today = today or timezone.localdate()
    report = {"met": 0, "expired": 0}
    met = (
        Ask.objects.filter(status=Ask.Status.OPEN)
        .annotate(approved=approved_hours_of_asks())
        .filter(approved__gte=F("hours_wanted"))
    )
    for ask_id in list(met.values_list("pk", flat=True)):
        with transaction.atomic():
            report["met"] += _close_if_met(ask_id, actor=None)
    past = Ask.objects.filter(status=Ask.Status.OPEN, needed_by__lt=today)
    for ask_id in list(past.values_list("pk", flat=True)):
        with transaction.atomic():
            report["expired"] += _close(
                ask_id, Ask.Status.EXPIRED, actor=None, reason="past its date"
            )
    return report


# --- Offers -----------------------------------------------------------------------------------


def _asks_pages_changed() -> None:
    """A conditional update sends no post_save signal: the cached public pages of the pledges
    app (the asks' among them) are stale once it commits."""
    transaction.on_commit(functools.partial(public_pages_changed, "pledges"))


@transaction.atomic
def offer_make(*, ask: Ask, person: User, hours, note: str = "") -> tuple[Offer, bool]:
    """`person` offers hours to an open public ask; True when made now. A second offer (a
    double click, two tabs) returns the one there is: the unique constraint on active offers
    holds it under concurrency."""
    if not person.is_authenticated:
        raise PermissionDenied(_("Sign in to offer hours."))
    ask = Ask.objects.select_related("project").get(pk=ask.pk)
    if not ask_is_public(ask):
        raise ValidationError(_("This ask is not public."), code="not_public")
    if not ask.is_open:
        raise ValidationError(_("This ask is closed: it takes no more offers."), code="closed")
    existing = offer_of(ask, person)
    if existing is not None:
        return existing, False
    offer = Offer(ask=ask, person=person, hours=hours, note=(note or "").strip())
    offer.full_clean(exclude=["ask", "person"], validate_constraints=False)
    try:
        # A savepoint: when another click made the offer first, the constraint refuses this
        # one and the transaction goes on with theirs.
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        return offer_of(ask, person), False
    audit_record(
        actor=person,
        action="ask.offer",
        target=ask,
        detail={"offer": offer.pk, "hours": str(offer.hours)},
    )
    return offer, True


@transaction.atomic
def offer_withdraw(*, offer: Offer, actor: User) -> bool:
    """The person takes their offer back (staff too); True when it was active."""
    if not user_can_withdraw(user=actor, offer=offer):
        raise PermissionDenied(_("Only the person who offered withdraws the offer."))
    withdrawn = Offer.objects.filter(pk=offer.pk, status=Offer.Status.ACTIVE).update(
        status=Offer.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    if withdrawn:
        audit_record(
            actor=actor, action="ask.offer_withdraw", target=offer.ask, detail={"offer": offer.pk}
        )
        _asks_pages_changed()
    return bool(withdrawn)


# --- A person's skills --------------------------------------------------------------------------


@transaction.atomic
def skills_set(*, user: User, skills) -> list[Tag]:
    """The skills `user` lists on their account page (replacing the ones before)."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to list your skills."))
    skills = _checked_skills(skills, MAX_PERSON_SKILLS)
    wanted = {tag.pk for tag in skills}
    had = set(PersonSkill.objects.filter(person=user).values_list("tag", flat=True))
    if wanted == had:
        return skills
    PersonSkill.objects.filter(person=user).exclude(tag__in=wanted).delete()
    PersonSkill.objects.bulk_create(
        [PersonSkill(person=user, tag_id=pk) for pk in wanted - had], ignore_conflicts=True
    )
    audit_record(actor=user, action="skills.set", target=user, detail={"skills": sorted(wanted)})
    return skills


def person_leaves(*, user: User) -> dict[str, int]:
    """What of the asks goes with a deleted account (portal.services.account_delete): the
    skills they listed, and their offers, withdrawn and without their notes (the hours they
    gave stay, as their logged hours do)."""
    skills, _per_model = PersonSkill.objects.filter(person=user).delete()
    withdrawn = Offer.objects.filter(person=user, status=Offer.Status.ACTIVE).update(
        status=Offer.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    Offer.objects.filter(person=user).exclude(note="").update(note="")
    return {"skills_removed": skills, "offers_withdrawn": withdrawn}


# --- Contributions that answer an ask ---------------------------------------------------------


def answered_ask_error(contribution: Contribution, *, named_before: int | None) -> str | None:
    """Why `contribution` may not name its ask, or None. A log names an open public ask of
    its own project; a log that names no project takes the ask's. An ask the log named
    before (a log changed after its ask closed) stays."""
    if not contribution.ask_id:
        return None
    ask = public_asks().select_related("project").filter(pk=contribution.ask_id).first()
    if ask is None:
        return _("Choose an ask of a project listed in the directory.")
    if contribution.ask_id != named_before and not ask.is_open:
        return _("This ask is closed: it takes no more hours.")
    if not contribution.project_id and not contribution.project_url:
        contribution.project = ask.project
    if contribution.project_id != ask.project_id:
        return _(
            "This ask is for %(project)s: log the hours on that project, or choose no ask."
        ) % {"project": ask.project.name}
    return None
