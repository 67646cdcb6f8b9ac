"""``python -m cancer_spread`` runs the CLI."""

from .cli import main

main()
