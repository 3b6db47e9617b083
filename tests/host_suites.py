#!/usr/bin/env python3
"""Run Odoo's own tests of host modules (hr, account, lunch) with OneCard installed.

Usage: python3 tests/host_suites.py <odoo-bin arguments>, on a database where
OneCard and the host modules are already installed, with --test-enable and a
--test-tags selecting the host tests, and without -i / -u.

Odoo runs a module's at_install tests while that module is being loaded,
before the addons that depend on it (ours) are: hr's and account's at_install
tests never meet our fields, overrides and hooks that way (and on a database
that has more modules, they run against a registry missing the later modules'
defaults). Here they are moved to the post-install phase: every selected test
runs against the complete registry, as it would in a customer's database.
"""

import os
import sys

os.environ["TZ"] = "UTC"  # as odoo-bin does, before time is imported

import odoo  # noqa: E402
from odoo.tests import loader  # noqa: E402

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    # While modules load: nothing. After: at_install and post_install tests alike.
    if position == "at_install":
        return _make_suite([], position)
    return _make_suite(module_names, "at_install,post_install")


loader.make_suite = make_suite

if __name__ == "__main__":
    sys.argv[0] = "odoo-bin"
    odoo.cli.main()
