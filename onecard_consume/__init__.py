# Odoo imports the addon as odoo.addons.onecard_consume. Imported as plain
# onecard_consume (the e2e tests read tools/chain.py), only the pure tools/ is wanted.
if __name__.startswith("odoo.addons."):
    from . import controllers
    from . import models
    from . import wizard
    from .hooks import post_init_hook
