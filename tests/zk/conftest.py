"""The repository root on sys.path: tests import ``onecard_devices.zkteco`` as a plain
package. ``onecard_devices/__init__.py`` loads the addon's models only when Odoo
imports it as ``odoo.addons.onecard_devices``, so nothing here needs Odoo."""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)
