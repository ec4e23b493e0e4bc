"""`throughline openapi`: the API's OpenAPI document, with no server running, to generate
a client from or to lint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from throughline.settings import Settings


def openapi(
    output: Annotated[
        Path | None, typer.Option(help="Write the document here instead of to standard output.")
    ] = None,
) -> None:
    """Print the API's OpenAPI document (JSON), the one /openapi.json serves."""
    # Imported here, as `throughline api` does, so other commands do not load the app.
    from api.app import create_app

    document = json.dumps(create_app(Settings()).openapi(), indent=2, ensure_ascii=False)
    if output is None:
        typer.echo(document)
    else:
        output.write_text(document + "\n", encoding="utf-8")


def register(app: typer.Typer) -> None:
    app.command()(openapi)
