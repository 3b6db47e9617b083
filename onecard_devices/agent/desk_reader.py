#!/usr/bin/env python3
"""OneCard desk card reader agent (PC/SC -> Odoo -> the operator's open desk).

Runs on the desk PC next to a PC/SC contactless reader. When a card is put on
the reader it sends the PC/SC "get data / UID" APDU ``FF CA 00 00 00``, checks
the status word is ``90 00``, and POSTs the UID in hexadecimal to Odoo::

    POST <url>/onecard/desk/reader
    Authorization: Bearer <token>          (Odoo: One-Card > Configuration > Desk Card
    Readers) {"uid": "04A1B2C3"}

Odoo pushes the UID on its bus to the token's user; that user's open Operator
Desk loads the card exactly as if a keyboard-wedge reader had typed it.

Standalone on purpose: needs only Python 3.8+ and pyscard (``pip install
pyscard``); no Odoo import. This launcher and the onecard_desk_reader package
next to it are the whole agent (copy both). See docs/desk-reader.md.

    desk_reader.py --url https://odoo.example.com --token-file ~/.onecard-desk-token
    desk_reader.py --url http://localhost:8069 --token ... --reader ACR122 --once
    --timeout 30

With --once it handles one card then exits: 0 delivered, 1 the card could not
be read or Odoo did not take it, 2 no card before --timeout.
"""

import os
import sys

# run as a script from anywhere: the package sits next to this file
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from onecard_desk_reader.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
