"""The project's exceptions: each says what was wrong, where, and how to fix it."""

from __future__ import annotations

__all__ = ["CancerSpreadError", "InputError", "LoadError", "QueryError"]


class CancerSpreadError(Exception):
    """Base class. ``str(err)`` is one readable line (or a few) fit for a terminal.

    ``exit_code`` is what the CLI exits with: 2 for bad input (the convention of the CLI).
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n  hint: {hint}")


class LoadError(CancerSpreadError):
    """A data file is missing or is not valid Turtle; the message starts with ``file:line:col:``."""


class InputError(CancerSpreadError):
    """A user-supplied value (name, parameter, option, file) is not acceptable."""


class QueryError(CancerSpreadError):
    """A SPARQL query could not be parsed or run."""
