"""ZKTeco protocols without Odoo: PUSH (iClock / ADMS over HTTP), card numbers,
device clocks, a standalone-protocol (TCP 4370) device emulator and a PUSH
device simulator. Nothing here imports ``odoo``; see docs/zkteco.md.

Load it without the addon around it (as tests/zk/conftest.py does) or import
the modules through ``onecard_devices.zkteco`` inside Odoo.
"""

from . import cardno, clock, push
