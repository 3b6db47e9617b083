"""Pure-Python helpers: no Odoo import, so they unit-test in milliseconds."""

from .card_uid import normalize_uid
from .chain import chain_hash
from .pin import hash_pin, check_pin
