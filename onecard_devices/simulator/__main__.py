"""``python3 -m onecard_devices.simulator``: see the package's docstring."""

import sys

from .cli import main

sys.exit(main())
