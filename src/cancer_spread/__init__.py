"""cancer-spread: an open, evidence-backed knowledge graph of where cancers spread.

>>> import cancer_spread as cs
>>> rows = cs.run_query("metastatic-sites", cancer="bowel cancer")
>>> "liver" in [r["siteLabel"] for r in rows]
True
"""

from __future__ import annotations

from .version import __version__

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `import cancer_spread` stays cheap for the CLI
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "__version__",
    "load_graph",
    "render_html",
    "run_query",
    "sparql",
    "to_pyvis",
    "validate",
]


def __getattr__(name: str) -> Any:
    # Import lazily so that `import cancer_spread` stays cheap for the CLI.
    if name == "load_graph":
        from .load import load_graph

        return load_graph
    if name in ("run_query", "sparql"):
        from . import api

        return getattr(api, name)
    if name == "validate":
        from .api import validate

        return validate
    if name == "render_html":
        from .visualise import render_html

        return render_html
    if name == "to_pyvis":
        from .viewer.pyvis_network import to_pyvis

        return to_pyvis
    raise AttributeError(f"module 'cancer_spread' has no attribute {name!r}")
