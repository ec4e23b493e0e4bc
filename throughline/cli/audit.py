"""`throughline audit`: what an auditor needs from the command line. `public-key` prints
the Ed25519 public key audit bundles are signed with, as GET
/.well-known/throughline-audit-key serves it; `export` writes a signed bundle; `verify`
checks one with no server and no database (docs/audit-bundle.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from models.bundle_check import BundleReport, check_bundle, public_key_bytes
from models.bundle_logs import Failed
from models.directory.state import OPERATOR
from throughline.audit_keys import audit_signer
from throughline.cli.shared import fail, with_services
from throughline.services.registry import Services
from throughline.settings import Settings

app = typer.Typer(
    help="For auditors: signed bundles of a change's history, checked offline.",
    no_args_is_help=True,
)


@app.command("public-key")
def public_key() -> None:
    """Print the public key, as JSON: alg, kid and the base64 key."""
    typer.echo(audit_signer(Settings().audit_key_path()).public().model_dump_json())


@app.command("export")
def export(
    change: Annotated[str | None, typer.Argument(help="The change to export.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write here instead of printing.")] = None,
    service: Annotated[str | None, typer.Option(help="Every change of this service.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Changes with events from (UTC).")] = None,
    until: Annotated[datetime | None, typer.Option(help="...and before (UTC).")] = None,
) -> None:
    """Write a signed audit bundle of a change, a service, or a time range."""
    if change is not None and (service or since or until):
        raise fail("give a change, or --service, or --since/--until: one of them")

    async def work(services: Services) -> dict[str, Any]:
        if change is not None:
            return await services.bundles.export_change(OPERATOR, change)
        return await services.bundles.export_many(OPERATOR, service, _utc(since), _utc(until))

    text = json.dumps(with_services(work), ensure_ascii=False)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}: check it with throughline audit verify {out}", err=True)


def _utc(moment: datetime | None) -> datetime | None:
    """Times given without an offset are taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="The bundle file.")],
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            help="The key you trust: its base64, or a file holding it or the JSON that "
            "`throughline audit public-key` prints.",
        ),
    ] = None,
) -> None:
    """Check a bundle with nothing but the bundle: no server, no database. Exit 0 when
    intact, 1 when not, 2 when it cannot be read."""
    document = _read_bundle(bundle)
    report = check_bundle(document, _trusted_key(public_key) if public_key else None)
    _print(report)
    if not report.intact:
        raise typer.Exit(1)


def _read_bundle(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except OSError as error:
        _unreadable(f"cannot read {path}: {error.strerror}")
    except (ValueError, RecursionError) as error:
        _unreadable(f"{path} is not JSON an audit bundle can be: {error}")


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """RFC 8785 needs I-JSON: a name given twice in one object is refused."""
    found = dict(pairs)
    if len(found) != len(pairs):
        repeated = sorted({name for name, _ in pairs if [n for n, _ in pairs].count(name) > 1})
        raise ValueError(f"a member is named twice in one object: {', '.join(repeated)}")
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unreadable(message: str) -> NoReturn:
    typer.echo(f"throughline: {message}", err=True)
    raise typer.Exit(2)


def _trusted_key(given: str) -> str:
    """A key given as base64, or as a file holding base64 or the published JSON; one
    that is not an Ed25519 public key is a mistake in the command, not in the bundle."""
    path = Path(given)
    text = path.read_text(encoding="utf-8").strip() if path.is_file() else given.strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text)["public_key"])
        except (ValueError, KeyError, TypeError):
            _unreadable("the key file is JSON without a public_key")
    try:
        public_key_bytes(text)
    except Failed as problem:
        _unreadable(f"--public-key: {problem}")
    return text


def _print(report: BundleReport) -> None:
    for line in report.checked:
        typer.echo(f"ok      {line}")
    if report.intact:
        pinned = "" if report.key_pinned else " (only against the key it names: pass --public-key)"
        typer.echo(f"INTACT  the bundle checks out{pinned}")
    else:
        typer.echo(f"FAILED  {report.problem}")
