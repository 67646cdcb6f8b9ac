"""Where the data lives: ``ontology/``, ``graph/`` and ``queries/``.

In a checkout these are the folders at the repository root. In an installed wheel they are
shipped inside the package as ``cancer_spread/_data/``. ``CANCER_SPREAD_ROOT`` (or the CLI's
``--root``) points at another tree with the same layout.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import LoadError

__all__ = ["DataPaths", "file_signature", "find_paths"]

_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class DataPaths:
    """The folders of one data tree."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def graph(self) -> Path:
        return self.root / "graph"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def shapes(self) -> Path:
        return self.ontology / "shapes.ttl"

    def turtle_files(self) -> list[Path]:
        """Every curated data file (ontology first, then graph), in a stable order.

        The SHACL shapes are not data and are left out; see :attr:`shapes`.
        """
        files = sorted(p for p in self.ontology.glob("*.ttl") if p != self.shapes)
        files += sorted(self.graph.rglob("*.ttl"))
        return files

    def all_turtle_files(self) -> list[Path]:
        """Every Turtle file the project keeps canonical (data and shapes)."""
        return sorted(self.ontology.glob("*.ttl")) + sorted(self.graph.rglob("*.ttl"))


def file_signature(files: Sequence[str | os.PathLike[str]]) -> list[list[Any]]:
    """(resolved path, modification time, size) of each file: what caches compare to know
    whether a source changed. A missing file is a :class:`LoadError`."""
    sig = []
    for f in files:
        try:
            st = os.stat(f)
        except FileNotFoundError:
            raise LoadError(f"{f}: no such file", hint="check the path") from None
        sig.append([str(Path(f).resolve()), st.st_mtime_ns, st.st_size])
    return sig


def _is_tree(path: Path) -> bool:
    return (path / "ontology" / "cancer-spread.ttl").is_file()


def find_paths(root: str | os.PathLike[str] | None = None) -> DataPaths:
    """Locate the data tree: ``root`` if given, else ``$CANCER_SPREAD_ROOT``, else the package
    data of an installed wheel, else the checkout this package was imported from."""
    candidates: list[Path] = []
    explicit = root if root is not None else os.environ.get("CANCER_SPREAD_ROOT")
    if explicit:
        path = Path(explicit).expanduser().resolve()
        if not _is_tree(path):
            raise LoadError(
                f"{path}: not a cancer-spread data tree (no ontology/cancer-spread.ttl)",
                hint="point --root or CANCER_SPREAD_ROOT at a folder holding ontology/, graph/ and queries/",
            )
        return DataPaths(path)
    candidates.append(_PACKAGE_DIR / "_data")
    candidates.append(_PACKAGE_DIR.parent.parent)
    for path in candidates:
        if _is_tree(path):
            return DataPaths(path)
    raise LoadError(
        "cannot find the cancer-spread data (ontology/, graph/, queries/)",
        hint="reinstall the package, or set CANCER_SPREAD_ROOT to a checkout",
    )
