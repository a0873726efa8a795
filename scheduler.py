"""foicrawl's nightly scheduler: `python scheduler.py --help` (the code is in foicrawl/scheduler.py)."""

import sys

from foicrawl.nightly.scheduler import main

if __name__ == "__main__":
    sys.exit(main())
