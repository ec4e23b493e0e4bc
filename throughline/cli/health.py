"""`throughline health api|worker`: exit 0 when this machine's part is healthy, else 1
with the reason. Containers run the same check as `python -m throughline.probe`, which
skips importing the command line."""

from __future__ import annotations

import typer

from throughline.cli.shared import fail
from throughline.probe import api_problem, beat_age, worker_problem
from throughline.settings import Settings

app = typer.Typer(help="Whether a part is healthy, as container health checks ask.")


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
    problem = worker_problem(path)
    if problem is not None:
        raise fail(problem)
    typer.echo(f"worker healthy (heartbeat {beat_age(path):.0f} s ago)")
