"""Where the store snapshots and the start-up index live (one small module, so that the
start-up path, :mod:`cancer_spread.quick`, finds them without importing the library)."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow the start-up path
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["cache_dir", "cache_folder"]


def cache_folder() -> str | None:
    """``$CANCER_SPREAD_CACHE`` if set (``off`` turns snapshots off: ``None``), else
    ``$XDG_CACHE_HOME/cancer-spread`` or ``~/.cache/cancer-spread``.

    >>> import os
    >>> saved = os.environ.get("CANCER_SPREAD_CACHE")
    >>> os.environ["CANCER_SPREAD_CACHE"] = "off"; cache_folder() is None
    True
    >>> os.environ["CANCER_SPREAD_CACHE"] = "/tmp/cs-cache"; cache_folder()
    '/tmp/cs-cache'
    >>> _ = os.environ.pop("CANCER_SPREAD_CACHE") if saved is None else os.environ.update(CANCER_SPREAD_CACHE=saved)
    """
    value = os.environ.get("CANCER_SPREAD_CACHE", "").strip()
    if value.lower() in ("off", "0", "no", "false"):
        return None
    if value:
        return os.path.expanduser(value)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cancer-spread")


def cache_dir() -> Path | None:
    """:func:`cache_folder` as a :class:`~pathlib.Path`."""
    from pathlib import Path

    folder = cache_folder()
    return None if folder is None else Path(folder)
