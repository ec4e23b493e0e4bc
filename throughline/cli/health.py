"""`throughline health api|worker`: exit 0 when this container's part is healthy, else 1
with the reason; what the image's HEALTHCHECK and compose's healthchecks run."""

from __future__ import annotations

import typer

from throughline.cli.shared import fail
from throughline.liveness import STALE_SECONDS, api_problem, beat_age
from throughline.settings import Settings

app = typer.Typer(help="Whether a part is healthy, for container health checks.")


@app.command("api")
def api() -> None:
    """Healthy when the API's /healthz on this machine answers 200."""
    problem = api_problem(Settings().api_port)
    if problem is not None:
        raise fail(problem)
    typer.echo("api healthy")


@app.command("worker")
def worker() -> None:
    """Healthy when the worker's heartbeat file was touched lately."""
    path = Settings().worker_health_file
    if path is None:
        raise fail("set THROUGHLINE_WORKER_HEALTH_FILE for the worker and for this check")
    age = beat_age(path)
    if age is None:
        raise fail(f"no heartbeat yet in {path}: the worker is starting or has not started")
    if age > STALE_SECONDS:
        raise fail(f"the last heartbeat was {age:.0f} s ago (more than {STALE_SECONDS:.0f} s)")
    typer.echo(f"worker healthy (heartbeat {age:.0f} s ago)")
