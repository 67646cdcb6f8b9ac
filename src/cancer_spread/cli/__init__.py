"""The ``cancer-spread`` command: a thin layer over the library.

Exit codes: 0 answered (even with no rows), 1 problems found by a check, 2 bad input,
3 an internal error (a bug: one line says where to report it; ``--debug`` shows the traceback),
4 the system refused (a full disk, a read-only file system: said plainly, not a bug),
130 interrupted. No traceback reaches the user (:class:`cancer_spread.guard.SafeGroup`).

One module per command group, all registered in :data:`COMMANDS` below; a command's module is
imported only when that command runs (or its help is shown), so that a cold query loads only
click, this package's shared options and the module of the command asked for:

- :mod:`.answers`: the named-query commands, ``query``, ``queries``, ``sparql``
- :mod:`.listing`: ``list`` (what the graph covers)
- :mod:`.data`: ``validate``, ``fmt``, ``build``, ``stats``, ``export``, ``pages``
- :mod:`.viewer`: ``visualise``
- :mod:`.analyse`: ``analyse``, ``plot``
- :mod:`.ingest`: ``ingest``
- :mod:`.serve`: ``serve``, ``push``
- :mod:`.options`: what the commands share (error handling, common options, running a named query)
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import click

from ..guard import SafeGroup, debug_option
from .options import CONTEXT

__all__ = ["COMMANDS", "main"]

#: Every command: its name and the module (in this package) that defines it, as a function named
#: like the command (``-`` becomes ``_``; ``list_command`` for ``list``, which would hide a builtin).
#: Add a command here and in its module, nowhere else.
COMMANDS: dict[str, str] = {
    # answers
    "sites": "answers",
    "primaries": "answers",
    "evidence": "answers",
    "define": "answers",
    "xrefs": "answers",
    "classify": "answers",
    "likely-primaries": "answers",
    "query": "answers",
    "queries": "answers",
    "sparql": "answers",
    "list": "listing",
    # data jobs
    "validate": "data",
    "fmt": "data",
    "build": "data",
    "stats": "data",
    "export": "data",
    "pages": "data",
    # viewer
    "visualise": "viewer",
    # topic modules
    "analyse": "analyse",
    "plot": "analyse",
    "ingest": "ingest",
    "serve": "serve",
    "push": "serve",
}


class _LazyCommands(MutableMapping[str, Any]):
    """A group's ``commands`` mapping that imports a command's module on first access."""

    def __init__(self, registry: dict[str, str]) -> None:
        self._where = dict(registry)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module_name = self._where[name]  # KeyError for an unknown command, as a dict
            module = importlib.import_module(f".{module_name}", __name__)
            attr = name.replace("-", "_")
            command = getattr(module, attr, None) or getattr(module, f"{attr}_command")
            if not isinstance(command, click.Command):  # pragma: no cover - a registry mistake
                raise TypeError(f"{module.__name__}.{name.replace('-', '_')} is not a click command")
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._where.pop(name, None)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        found = self._where.pop(name, None) is not None
        if self._loaded.pop(name, None) is None and not found:
            raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(self._where), **dict.fromkeys(self._loaded)})

    def __len__(self) -> int:
        return len(set(self._where) | set(self._loaded))

    def __contains__(self, name: object) -> bool:
        return name in self._where or name in self._loaded


class LazyGroup(SafeGroup):
    """A click group whose commands are listed in a registry and imported when used (and whose
    failures end as one clear message, never a traceback)."""

    def __init__(self, *args: Any, registry: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(registry)  # type: ignore[assignment]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with the whole first sentence of its help (wrapped, never cut)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, command.short_help or _first_sentence(command.help or "")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _first_sentence(text: str) -> str:
    """The first sentence of a help text (its first paragraph if it has no full stop)."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    for end in (". ", "? "):
        if end in paragraph:
            paragraph = paragraph.split(end)[0] + end.strip()
    return paragraph


@click.group(cls=LazyGroup, registry=COMMANDS, context_settings=CONTEXT)
@click.version_option(package_name="cancer-spread", prog_name="cancer-spread")
@debug_option
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="CANCER_SPREAD_ROOT",
    help="Use the ontology/, graph/ and queries/ under this folder instead of the packaged data.",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """Where cancers spread: an evidence-backed knowledge graph.

    \b
    Examples:
      cancer-spread sites "bowel cancer"
      cancer-spread primaries liver --source NCI
      cancer-spread define "locally advanced"
      cancer-spread classify breast "supraclavicular lymph nodes"
      cancer-spread visualise -o spread.html
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


if __name__ == "__main__":  # pragma: no cover
    main()
