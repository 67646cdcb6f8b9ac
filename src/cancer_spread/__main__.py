"""``python -m cancer_spread`` runs the CLI (through its start-up path, :mod:`cancer_spread.quick`)."""

from .quick import main

main()
