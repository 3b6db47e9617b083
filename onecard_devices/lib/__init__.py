"""Pure-Python device code (no ``odoo`` import): signing, errors, codec."""
