"""`throughline audit`: what an auditor needs from the command line. `public-key` prints
the Ed25519 public key audit bundles are signed with, as GET
/.well-known/throughline-audit-key serves it."""

from __future__ import annotations

import typer

from throughline.audit_keys import audit_signer
from throughline.settings import Settings

app = typer.Typer(help="For auditors: the key audit bundles are signed with.", no_args_is_help=True)


@app.command("public-key")
def public_key() -> None:
    """Print the public key, as JSON: alg, kid and the base64 key."""
    typer.echo(audit_signer(Settings().audit_key_path()).public().model_dump_json())
