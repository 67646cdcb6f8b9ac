"""What keeps the command line's failures short and clean: no traceback ever reaches the user.

- :func:`fail` prints a library error as ``error: …`` (and ``hint: …``), made terminal-safe, and
  exits with its code (2 for bad input).
- :func:`guarded` wraps a command: an unexpected internal error prints one line with a pointer
  to report it and exits 3 (``--debug`` or ``CANCER_SPREAD_DEBUG=1`` prints the traceback); the
  system refusing to write (a full disk, a read-only file system, an input/output error) is not a
  bug: it is said plainly with how to fix it, exit 4; Ctrl-C exits 130 and a closed pipe exits
  quietly.
- :func:`quiet_rdflib` stops rdflib's "Failed to convert Literal" warnings from printing
  tracebacks (the input gate reports ill-typed figures, counts and dates itself).
- :class:`Seconds` is the click type of ``--timeout``: a positive finite number of seconds.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from .errors import SYSTEM_ERRNOS, CancerSpreadError, SystemRefusal
from .textsafe import terminal_safe

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_SYSTEM",
    "REPORT_URL",
    "Percent",
    "SafeGroup",
    "Seconds",
    "debug_enabled",
    "debug_option",
    "fail",
    "guarded",
    "quiet_rdflib",
]

#: Exit code of an unexpected internal error (a bug).
EXIT_INTERNAL = 3
#: Exit code when the system refuses what the command needs (a full disk, a read-only file system).
EXIT_SYSTEM = 4
#: Where to report a bug.
REPORT_URL = "https://w3id.org/cancer-spread/"


def debug_enabled() -> bool:
    """Whether tracebacks are wanted: ``--debug`` (sets ``CANCER_SPREAD_DEBUG``) or the variable."""
    return os.environ.get("CANCER_SPREAD_DEBUG", "").strip().lower() in ("1", "true", "yes")


def _say(text: str) -> None:
    for line in text.splitlines() or [""]:
        click.echo(terminal_safe(line), err=True)


def fail(err: CancerSpreadError) -> NoReturn:
    """Print ``err`` on stderr (terminal-safe) and exit with its code."""
    _say(f"error: {err.message}")
    if err.hint:
        _say(f"  hint: {err.hint}")
    sys.exit(err.exit_code)


def internal_error(err: BaseException) -> NoReturn:
    """One line for a bug (the traceback with --debug) and exit :data:`EXIT_INTERNAL`."""
    if debug_enabled():
        import traceback

        traceback.print_exception(err)
    detail = " ".join(str(err).split())[:200]
    _say(
        f"error: internal error ({type(err).__name__}{': ' + detail if detail else ''}); "
        f"please report it at {REPORT_URL} with the command you ran (--debug shows the details)"
    )
    sys.exit(EXIT_INTERNAL)


def system_error(err: OSError) -> NoReturn:
    """The system refused (a full disk): said plainly, exit :data:`EXIT_SYSTEM`; not a bug. Without
    a file name it was the answer being written; with one, it may have been a read."""
    if err.filename:
        fail(SystemRefusal.from_os_error(err, verb="cannot read or write"))
    fail(SystemRefusal.from_os_error(err, "the output"))


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a command: library errors become one clear message, anything else one line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CancerSpreadError as err:
            fail(err)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except BrokenPipeError:  # e.g. piped into `head`
            _quiet_stdout()
            sys.exit(0)
        except KeyboardInterrupt:
            _say("interrupted")
            sys.exit(130)
        except OSError as err:
            if err.errno in SYSTEM_ERRNOS:
                system_error(err)
            internal_error(err)
        except (Exception, RecursionError, MemoryError) as err:
            internal_error(err)

    return wrapper


def _quiet_stdout() -> None:
    # Python flushes stdout at exit; a closed pipe would print a second error then.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _OnlyWhenDebugging(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return debug_enabled()


_QUIET = _OnlyWhenDebugging()


def quiet_rdflib() -> None:
    """rdflib logs "Failed to convert Literal lexical form to value" with a traceback for every
    literal it cannot convert, and other warnings about odd terms; show none of them on the
    command line (``--debug``: all)."""
    for name in ("rdflib", "rdflib.term"):
        log = logging.getLogger(name)
        if _QUIET not in log.filters:
            log.addFilter(_QUIET)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        os.environ["CANCER_SPREAD_DEBUG"] = "1"
    return value


def debug_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--debug``: print the traceback of an internal error (and rdflib's warnings)."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show the traceback of an internal error (for a bug report).",
    )(func)


class SafeGroup(click.Group):
    """The command group: every failure ends as ``error: …`` lines and an exit code, never a
    traceback; SIGTERM and SIGHUP remove temporary files as Ctrl-C does."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        from .files import install_signal_cleanup

        install_signal_cleanup()
        quiet_rdflib()
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as err:
            err.show()
            sys.exit(err.exit_code)
        except click.exceptions.UsageError as err:
            _say(f"error: {err.format_message()}")
            if err.ctx is not None:
                _say(f"  hint: see {err.ctx.command_path} --help")
            sys.exit(err.exit_code)
        except click.exceptions.ClickException as err:
            _say(f"error: {err.format_message()}")
            sys.exit(err.exit_code)
        except (click.exceptions.Abort, KeyboardInterrupt):
            _say("interrupted")
            sys.exit(130)
        except CancerSpreadError as err:
            fail(err)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        except OSError as err:
            if err.errno in SYSTEM_ERRNOS:
                system_error(err)
            internal_error(err)
        except (Exception, RecursionError, MemoryError) as err:
            internal_error(err)
        sys.exit(code if isinstance(code, int) else 0)


class Seconds(click.ParamType):
    """A positive, finite number of seconds, at most one day (``--timeout``)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from .errors import InputError
        from .sparqlcheck import check_timeout

        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a number of seconds (for example 30)", param, ctx)
        try:
            checked = check_timeout(number, "--timeout")
        except InputError as err:
            self.fail(err.message.removeprefix("--timeout ") + (f"; {err.hint}" if err.hint else ""), param, ctx)
        assert checked is not None
        return checked


class Percent(click.ParamType):
    """A finite percentage from 0 to 100 (``--min-figure``)."""

    name = "percent"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        import math

        try:
            number = float(value) if isinstance(value, float) else float(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a number (for example 20)", param, ctx)
        if not math.isfinite(number) or not 0 <= number <= 100:
            self.fail(f"{value!r} is not a percentage from 0 to 100", param, ctx)
        return number
