"""`python -m lab.cli`: the routing-lab command."""

import sys

from lab.cli import main

sys.exit(main())
