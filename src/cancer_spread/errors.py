"""The project's exceptions: each says what was wrong, where, and how to fix it."""

from __future__ import annotations

import errno

__all__ = ["SYSTEM_ERRNOS", "CancerSpreadError", "InputError", "LoadError", "QueryError", "SystemRefusal"]

#: The errors of the machine, not of the input or the program: a full disk or quota, a read-only
#: file system, an input/output error.
SYSTEM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


class CancerSpreadError(Exception):
    """Base class. ``str(err)`` is one readable line (or a few) fit for a terminal.

    ``exit_code`` is what the CLI exits with: 2 for bad input (the convention of the CLI), 4 when
    the system refuses (:class:`SystemRefusal`).
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


class SystemRefusal(CancerSpreadError):
    """The system refused a write or a read (a full disk, a read-only file system): not the
    user's input and not a bug; the CLI exits 4."""

    exit_code = 4

    @classmethod
    def from_os_error(
        cls, err: OSError, what: str | None = None, *, then: str = "", verb: str = "cannot write"
    ) -> SystemRefusal:
        """The message for ``err`` (one of :data:`SYSTEM_ERRNOS`), naming ``what`` or its file,
        what could not be done (``verb``) and ``then`` what was done about it.

        >>> import errno
        >>> print(SystemRefusal.from_os_error(OSError(errno.ENOSPC, "No space left on device"), "out.ttl"))
        out.ttl: cannot write: No space left on device
          hint: free some space, or write somewhere else (another folder, or redirect the output), and run it again
        """
        where = what or err.filename
        prefix = f"{where}: " if where else ""
        return cls(
            f"{prefix}{verb}: {err.strerror or err}{then}",
            hint="free some space, or write somewhere else (another folder, or redirect the output), and run it again",
        )
