"""`throughline archive`: the archive of closed Temporal histories. `list` shows the runs it
holds; `purge` deletes those closed before THROUGHLINE_ARCHIVE_RETENTION_DAYS (seven years
by default) began, each first recorded in the directory's audit log with the operator as
its actor. Both need the running stack: purging goes through the directory workflow."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from models.archive import LISTING_LIMIT, ArchivePurgeRequest
from models.base import SEQ_LIMIT
from models.directory.state import OPERATOR
from throughline.cli.shared import fail, with_services

app = typer.Typer(
    help="The archive of closed Temporal histories, kept for auditors for "
    "THROUGHLINE_ARCHIVE_RETENTION_DAYS (seven years by default): list it, or purge what is "
    "past retention, an audited directory event.",
    no_args_is_help=True,
)


@app.command("list")
def listing(
    after: Annotated[
        int, typer.Option(help="Start after this archive number.", min=0, max=SEQ_LIMIT)
    ] = 0,
    limit: Annotated[int, typer.Option(min=1, max=LISTING_LIMIT)] = 100,
) -> None:
    """Archived runs, in the order they were archived: number, workflow id, run id, closed
    at, events, sha256."""
    page = with_services(lambda services: services.archive.listing(after, limit))
    for run in page.runs:
        typer.echo(
            f"{run.id}\t{run.workflow_id}\t{run.run_id}\t{run.closed_at.isoformat()}\t"
            f"{run.event_count}\t{run.sha256}"
        )
    if page.next_after is not None:
        typer.echo(f"more: --after {page.next_after}", err=True)


@app.command("purge")
def purge(
    reason: Annotated[str, typer.Option(help="Why; recorded with the purge.")],
) -> None:
    """Delete every archived run past retention, each recorded first in the directory's
    audit log; prints the cutoff and each run id purged."""
    try:
        request = ArchivePurgeRequest(reason=reason)
    except ValidationError:
        raise fail("give a --reason of 1 to 200 printable characters") from None
    done = with_services(lambda services: services.archive.purge(OPERATOR, request))
    cutoff = done.cutoff.isoformat()
    if not done.count:
        typer.echo(f"nothing to purge: no archived run closed before {cutoff}")
        return
    typer.echo(f"purged {done.count} archived runs closed before {cutoff}:")
    for run_id in done.run_ids:
        typer.echo(run_id)
