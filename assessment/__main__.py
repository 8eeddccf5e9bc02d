"""`python -m assessment …`: the same command line as the `assessment` script."""

import sys

from assessment.cli import main

sys.exit(main())
