"""``list``: what the graph covers (cancers, sites, glossary terms), with every name each can be
called by (``list`` is registered from here as :data:`list_command`)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import CONTEXT, AnswerCommand, handle_errors, row_options, run_named

__all__ = ["list_command"]

#: The things ``list`` can show and the named query that lists each (a contract: these names).
WHAT = {"cancers": "list-cancers", "sites": "list-sites", "terms": "list-terms"}


@click.command("list", cls=AnswerCommand, context_settings=CONTEXT)
@click.argument("what", type=click.Choice(list(WHAT)))
@row_options
@click.pass_context
@handle_errors
def list_command(ctx: click.Context, what: str, fmt: str, timeout: float | None, extra: tuple[Path, ...]) -> None:
    """What the graph covers: its cancers, sites or glossary terms, with their other names.

    Any name shown (or a synonym) can be typed where a command asks for a cancer, a site or a
    term. For cancers, "sites" counts the sites of spread recorded (0: named, nothing recorded
    yet); for sites, "cancers" counts the cancers recorded as spreading there or to a part.

    \b
    Examples:
      cancer-spread list cancers
      cancer-spread list sites --format csv
    """
    run_named(ctx, WHAT[what], {}, fmt, timeout, extra)
