"""`throughline playbook`: validate, publish, list, show and compare playbooks written in
YAML or JSON. Publishing goes through the directory workflow, so it needs the running
stack; the rest reads the database only."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import yaml

from models.directory.state import OPERATOR
from models.playbook_diff import PlaybookDiff
from models.playbook_source import PlaybookText, format_of
from throughline.cli.shared import fail, with_services, with_sessions
from throughline.services.playbooks import PlaybookAdmin, PlaybookCatalogue

T = TypeVar("T")

app = typer.Typer(
    help="Playbooks: stages, gates and quorums as data. A published version never changes; "
    "publishing is recorded as a directory event, with the operator as its actor.",
    no_args_is_help=True,
)

PlaybookFile = Annotated[
    Path,
    typer.Argument(help="A playbook in YAML (.yaml, .yml) or JSON.", exists=True, dir_okay=False),
]


class ShowFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"


def _with_catalogue(work: Callable[[PlaybookCatalogue], Awaitable[T]]) -> T:
    return with_sessions(lambda sessions: work(PlaybookCatalogue(sessions)))


def _with_admin(work: Callable[[PlaybookAdmin], Awaitable[T]]) -> T:
    return with_services(lambda services: work(services.playbook_admin))


def _source(path: Path) -> PlaybookText:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise fail(f"{path} is not UTF-8 text") from None
    return PlaybookText(text=text, form=format_of(None, path.name))


@app.command("validate")
def validate(file: PlaybookFile) -> None:
    """Check a playbook file; every problem is printed with where it is."""
    check = _with_catalogue(lambda catalogue: catalogue.check(_source(file)))
    if not check.valid:
        for problem in check.problems:
            typer.echo(f"  {problem}", err=True)
        raise fail(f"{file} is not a valid playbook ({len(check.problems)} problem(s) above)")
    typer.echo(f"{file}: valid: {check.name} version {check.version} (sha256 {check.fingerprint})")
    if check.latest_version is not None:
        typer.echo(f"the latest version of {check.name} is {check.latest_version}")


@app.command("publish")
def publish(file: PlaybookFile) -> None:
    """Publish the file's version; publishing the same content again changes nothing."""
    source = _source(file)
    out = _with_admin(lambda admin: admin.publish(OPERATOR, source))
    done = "published" if out.changed else "already published with the same content:"
    typer.echo(f"{done} {out.name} version {out.version} (sha256 {out.fingerprint})")


@app.command("list")
def listing() -> None:
    """Every version, built in or published: name, version, source, title."""
    for entry in _with_catalogue(lambda catalogue: catalogue.catalogue()).everything():
        typer.echo(f"{entry.name}\t{entry.version}\t{entry.source}\t{entry.playbook.title}")


@app.command("show")
def show(
    name: str,
    version: Annotated[int | None, typer.Option(help="Defaults to the latest.", min=1)] = None,
    output: Annotated[ShowFormat, typer.Option("--format")] = ShowFormat.YAML,
) -> None:
    """Print one version of a playbook, the latest unless --version names another."""

    async def find(catalogue: PlaybookCatalogue) -> tuple[str, dict[str, object]]:
        found = await catalogue.versions(name)
        entry = found.versions[-1] if version is None else await catalogue.version(name, version)
        by = f", published by {entry.published_by}" if entry.published_by else ""
        header = (
            f"{entry.name} version {entry.version} ({entry.source}{by}, sha256 {entry.fingerprint})"
        )
        return header, entry.playbook.model_dump(mode="json")

    header, document = _with_catalogue(find)
    typer.echo(f"# {header}")
    if output is ShowFormat.JSON:
        typer.echo(json.dumps(document, indent=2))
    else:
        typer.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True).rstrip())


@app.command("diff")
def diff(file: PlaybookFile) -> None:
    """What the file changes from the latest version of its name, and what would differ
    for every open change on that name. Running changes never move."""
    source = _source(file)
    for line in _diff_lines(_with_catalogue(lambda catalogue: catalogue.preview(source))):
        typer.echo(line)


def _diff_lines(preview: PlaybookDiff) -> list[str]:
    since = f"version {preview.from_version}" if preview.from_version else "nothing yet"
    lines = [f"{preview.name}: {since} → version {preview.to_version}"]
    lines += [f"  - {line}" for line in preview.differences]
    lines.append(f"open changes on {preview.name}: {preview.open_changes_total}")
    for impact in preview.open_changes:
        lines.append(
            f"  {impact.change_id} ({impact.title}), at {impact.stage}, "
            f"stays on version {impact.pinned_version}:"
        )
        lines += [f"    - {line}" for line in impact.would_differ]
    lines.append(preview.running_changes)
    return lines
