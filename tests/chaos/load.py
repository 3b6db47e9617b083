"""The load of the fault run: the simulated terminals (the load generator; their
reports are the independent record of what every terminal was told) and the
office channels (desk.py). Mixed into ChaosRun (run.py).
"""

import os
import subprocess
import sys
import threading
import time

from desk import DeskLoad
from zk import ZkLoad, zk_serials

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "chaos-secret"
HOLDERS = 300


class Load:
    def simulate(self, name, *args):
        report = os.path.join(self.tmp, f"report_{name}.json")
        self.channels[report] = name
        cmd = [
            sys.executable,
            "-m",
            "onecard_devices.simulator",
            "--secret",
            SECRET,
            "--cards",
            str(HOLDERS),
            "--report",
            report,
            "--timeout",
            "1.0",
            "--max-wait",
            "90",
            *map(str, args),
        ]
        log = open(os.path.join(self.tmp, f"sim_{name}.log"), "w")
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        return proc, report

    def start_load(self):
        d, r = self.args.duration, self.args.rate
        tcp, http = self.tcp_proxy.port, self.http_proxy.port
        odoo = self.args.http_port
        self.sims = [
            self.simulate(
                "tcp",
                "--transport",
                "tcp",
                "--port",
                tcp,
                "--serial-prefix",
                "CXT-",
                "--terminals",
                25,
                "--rate",
                r * 0.5,
                "--duration",
                d,
            ),
            self.simulate(
                "http_gw",
                "--transport",
                "http",
                "--url",
                f"http://127.0.0.1:{http}",
                "--serial-prefix",
                "CXH-",
                "--terminals",
                12,
                "--rate",
                r * 0.25,
                "--duration",
                d,
            ),
            self.simulate(
                "http_odoo",
                "--transport",
                "http",
                "--url",
                f"http://127.0.0.1:{odoo}",
                "--serial-prefix",
                "CXH-",
                "--first-index",
                13,
                "--terminals",
                13,
                "--rate",
                r * 0.15,
                "--duration",
                d,
            ),
            # clocks 15 minutes behind
            self.simulate(
                "clock",
                "--transport",
                "tcp",
                "--port",
                tcp,
                "--serial-prefix",
                "CXC-",
                "--terminals",
                3,
                "--rate",
                1.5,
                "--duration",
                d,
                "--clock",
                int(time.time()) - 900,
            ),
            # offline: every record buffered, uploaded later (the terminal "reboots")
            self.simulate(
                "offline",
                "--transport",
                "tcp",
                "--port",
                tcp,
                "--serial-prefix",
                "CXO-",
                "--terminals",
                2,
                "--rate",
                1,
                "--duration",
                d,
                "--offline",
            ),
        ]
        self.desk = DeskLoad(
            f"http://127.0.0.1:{odoo}", self.db, self.desk_data, self.args.seed + 2
        )
        now = time.monotonic()
        self.desk_thread = threading.Thread(
            target=self.desk.run, args=(now + d, now + d / 3), daemon=True
        )
        self.desk_thread.start()
        # ZKTeco PUSH devices through the gateways' HTTP port (the fault proxy)
        self.zk = ZkLoad(
            f"http://127.0.0.1:{http}",
            zk_serials(),
            self.desk_data["pins"],
            self.args.seed + 3,
        )
        self.zk_thread = threading.Thread(
            target=self.zk.run, args=(now + d,), daemon=True
        )
        self.zk_thread.start()
