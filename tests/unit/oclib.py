"""Import onecard_devices/lib without importing the Odoo addon around it."""

import importlib.util
import os
import sys

LIB = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "onecard_devices",
    "lib",
)


def load():
    if "onecard_devices_lib" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "onecard_devices_lib",
            os.path.join(LIB, "__init__.py"),
            submodule_search_locations=[LIB],
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["onecard_devices_lib"] = module
        spec.loader.exec_module(module)
    return sys.modules["onecard_devices_lib"]


load()
