"""`python -m throughline.cli`: the same command as `throughline`."""

from throughline.cli import app

app()
