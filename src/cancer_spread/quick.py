"""The start-up path of ``cancer-spread``: the commonest questions answered without click.

A cold ``cancer-spread sites breast`` spent most of its time importing click and the library
before it asked the store anything (``bench/RESULTS.md``). When the store snapshot of the current
sources exists (:mod:`cancer_spread.snapshot`), an index is saved beside it
(:func:`cancer_spread.quickindex.write_index`):
for each command of :data:`COMMANDS`, its named query's text with a placeholder where the
parameter's VALUES block goes, and every name, synonym and code that the full path resolves to
exactly one entity, with that entity. :func:`main` answers from the index only when everything is
plain:

- the command and one value, no option (``--help``, ``--format``… go to click);
- the packaged or checkout data, the default engine, no ``CANCER_SPREAD_ROOT`` or
  ``CANCER_SPREAD_STORE``, and ``CANCER_SPREAD_QUICK`` not ``off``;
- every source file and folder unchanged since the index was written (path, modification time
  and size, as the snapshot's own key), the package version and folder the same (each package
  folder has an index of its own);
- the value one of the index's names (its case and spacing do not matter).

Anything else goes to the click CLI, which answers exactly as before (and writes a fresh index);
so does any failure before the answer is written. The rows are the same query's rows, printed by
the same code (:meth:`cancer_spread.results.Results.to_text`); the tests compare both paths.

This module imports only the standard library's ``os``, ``sys``, ``marshal`` and ``zlib`` until it answers.
"""

from __future__ import annotations

import os
import sys

from .quickindex import _PLACEHOLDER, COMMANDS, INDEX, current_index

__all__ = ["COMMANDS", "INDEX", "main"]


def main() -> None:
    """The ``cancer-spread`` command: the start-up path if it can answer, else the click CLI."""
    if _answer(sys.argv[1:]):
        # The answer is written and flushed, nothing was written to stderr and nothing opened for
        # writing: end the process without tearing down every module and the store (a measured
        # part of a cold command's time, bench/RESULTS.md).
        os._exit(0)
    from .cli import main as cli

    cli()


def _norm(text: str) -> str:
    # The same normalisation as cancer_spread.resolve (a test keeps the two equal).
    return " ".join(str(text).split()).casefold()


def _answer(argv: list[str]) -> bool:
    """Print the answer to ``argv`` and return True, or return False (nothing printed)."""
    if len(argv) != 2 or argv[0] not in COMMANDS or argv[1].startswith("-"):
        return False
    env = os.environ
    if env.get("CANCER_SPREAD_QUICK", "").strip().lower() in ("off", "0", "no", "false"):
        return False
    if env.get("CANCER_SPREAD_ROOT") or env.get("CANCER_SPREAD_STORE", "").strip().lower() not in ("", "oxigraph"):
        return False
    try:
        text = _rows_text(argv[0], argv[1])
    except Exception:  # anything unexpected: the full path answers (or explains)
        return False
    if text is None:
        return False
    try:
        sys.stdout.write(text)  # encoded whole, before anything is written
        sys.stdout.flush()
    except BrokenPipeError:  # piped into `head`, as the CLI does
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    except (UnicodeEncodeError, AttributeError, ValueError, OSError):
        # No output, one that cannot take the text, or a failed write (a full disk): the CLI
        # reports it as it does without the start-up path.
        return False
    return True


def _rows_text(command: str, value: str) -> str | None:
    """The answer as the CLI prints it, or None when the index cannot give it."""
    from .cachedir import cache_folder

    folder = cache_folder()
    if folder is None:
        return None
    index = current_index(folder)
    if index is None:
        return None
    entry = index["commands"].get(command)
    iri = entry and entry["names"].get(_norm(value))
    if not iri:
        return None
    import pyoxigraph

    store = pyoxigraph.Store.read_only(index["store"])
    solutions = store.query(entry["template"].replace(_PLACEHOLDER, f"<{iri}>"), prefixes=index["prefixes"])
    from .results import Results

    results = Results.from_oxigraph(solutions).with_sorted_lists(entry["lists"])
    results.layout = entry["layout"]
    return results.to_text("table")
