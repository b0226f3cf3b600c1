from django.db import models

from hub.models import AuditEntry, User


def audit_record(
    *, actor: User | None, action: str, target: models.Model, detail: dict | None = None
) -> AuditEntry:
    """Record that `actor` did `action` to `target`; call it inside the change's transaction."""
    return AuditEntry.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_repr=str(target)[:200],
        detail=detail or {},
    )
