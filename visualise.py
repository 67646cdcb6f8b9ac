#!/usr/bin/env python3
"""Write the interactive viewer: ``python visualise.py [OPTIONS]`` is ``cancer-spread visualise``.

Run ``python visualise.py --help`` for the options (output path, focus, layout, filters…).
"""

import sys
from pathlib import Path

# From a checkout, find the package without installing it (dependencies must be installed).
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from cancer_spread.cli import main

if __name__ == "__main__":
    main(["visualise", *sys.argv[1:]], prog_name="visualise.py")
