"""`toolkit lrs ...` commands."""

from __future__ import annotations

import click


@click.group(name="lrs")
def lrs() -> None:
    """Run and administer the built-in Learning Record Store."""
