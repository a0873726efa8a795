"""`python -m foicrawl.cli`: the same as the `foicrawl` command."""

import sys

from foicrawl.cli import main

sys.exit(main())
