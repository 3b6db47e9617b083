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
pyscard``); no Odoo import. See docs/desk-reader.md.

    desk_reader.py --url https://odoo.example.com --token-file ~/.onecard-desk-token
    desk_reader.py --url http://localhost:8069 --token ... --reader ACR122 --once
    --timeout 30

With --once it handles one card then exits: 0 delivered, 1 the card could not
be read or Odoo did not take it, 2 no card before --timeout.
"""

import logging

__version__ = "1.0"
ENDPOINT = "/onecard/desk/reader"
GET_UID_APDU = [0xFF, 0xCA, 0x00, 0x00, 0x00]
EXIT_OK, EXIT_FAILED, EXIT_TIMEOUT = 0, 1, 2

log = logging.getLogger("desk_reader")
