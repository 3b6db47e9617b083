#!/usr/bin/env python3
"""OneCard desk card reader agent: the command (PC/SC -> Odoo -> the operator's desk).

    desk_reader.py --url https://odoo.example.com --token-file ~/.onecard-desk-token
    desk_reader.py --help

The agent is the onecard_desk_reader package next to this file (copy both);
what it does and its exit codes: onecard_desk_reader/__init__.py and
docs/desk-reader.md.
"""

import os
import sys

# run as a script from anywhere: the package sits next to this file
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from onecard_desk_reader.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
