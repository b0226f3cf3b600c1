"""Thin Celery tasks of the directory: primary keys in, one call each."""

from celery import shared_task

from directory import health


@shared_task
def repository_import_task(
    organization_id: int,
    actor_id: int,
    source: str,
    urls: list[str],
    run_key: str,
    required_file: str = "",
) -> None:
    """List an organization's chosen repositories (directory.imports); runs once per run_key."""
    from directory import imports  # imports reaches the services, which enqueue this task

    imports.repository_import_run(
        organization_id=organization_id,
        actor_id=actor_id,
        source=source,
        urls=urls,
        run_key=run_key,
        required_file=required_file,
    )


@shared_task
def forge_sync_task() -> dict:
    """Refresh one batch of due projects' health from their forges (directory.health)."""
    report = health.sync_projects()
    return {"attempted": report.attempted, **report.results}
