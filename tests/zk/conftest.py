"""Load onecard_devices/zkteco as ``onecard_zkteco``, without the Odoo addon."""

import importlib.util
import os
import sys

PKG = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "onecard_devices",
    "zkteco",
)

if "onecard_zkteco" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "onecard_zkteco",
        os.path.join(PKG, "__init__.py"),
        submodule_search_locations=[PKG],
    )
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["onecard_zkteco"] = _module
    _spec.loader.exec_module(_module)
