"""The version of the package and of the data it carries (one place; ``pyproject.toml`` reads it)."""

__version__ = "0.1.0"
