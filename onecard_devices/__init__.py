# Odoo imports the addon as odoo.addons.onecard_devices. Imported as plain
# onecard_devices (python3 -m onecard_devices.simulator, tests/unit), only its pure
# packages are wanted: lib/ and simulator/ import no Odoo.
if __name__.startswith("odoo.addons."):
    from . import models
    from . import report
    from . import controllers
    from . import cli
