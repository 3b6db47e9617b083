from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TZ, TerminalApiCase

SN = "ZKTEST0001"


@tagged("post_install", "-at_install")
class TestZktecoPush(TerminalApiCase):
    """A ZKTeco PUSH device through Odoo's real HTTP stack (/iclock/*)."""

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def device(self, method, path, body=b"", content_type="text/plain", sn=SN, **q):
        query = "&".join(f"{k}={v}" for k, v in dict(SN=sn, **q).items())
        url = f"{path}?{query}"
        if method == "GET":
            response = self.url_open(url, allow_redirects=False)
        else:
            response = self.url_open(
                url,
                data=body,
                headers={"Content-Type": content_type},
                allow_redirects=False,
            )
        self.assertNotEqual(response.status_code, 500, response.text)
        self.assertTrue(
            response.headers["Content-Type"].startswith("text/plain"), response.text
        )
        return response

    def register_and_approve(self):
        answer = self.device("GET", "/iclock/cdata", options="all", pushver="2.4.1")
        self.assertEqual(answer.status_code, 200, answer.text)
        terminal = self.env["onecard.terminal"].search([("serial_number", "=", SN)])
        terminal.write({"canteen_id": self.canteen.id, "mode": "meal"})
        terminal.action_zk_approve()
        return terminal

    def punch_line(self, pin, hour, minute, second=0):
        # Yesterday: always in the past, inside the plausibility window.
        local = (datetime.now(TZ) - timedelta(days=1)).replace(
            hour=hour, minute=minute, second=second, microsecond=0
        )
        return f"{pin}\t{local:%Y-%m-%d %H:%M:%S}\t0\t4\t0\t0\t0"

    def upload(self, *lines):
        return self.device(
            "POST", "/iclock/cdata", "\n".join(lines).encode(), table="ATTLOG", Stamp=1
        )

    def poll(self):
        answer = self.device("GET", "/iclock/getrequest")
        self.assertEqual(answer.status_code, 200)
        return [line for line in answer.text.splitlines() if line.startswith("C:")]

    def report(self, lines):
        body = "\n".join(
            "ID={}&Return=0&CMD={}".format(
                line.split(":")[1], "DATA" if ":DATA " in line else "SET"
            )
            for line in lines
        )
        answer = self.device("POST", "/iclock/devicecmd", body.encode())
        self.assertEqual(answer.text.strip(), "OK")

    def consumed(self, holder):
        return self.env["onecard.operation"].search(
            [("cardholder_id", "=", holder.id), ("kind", "=", "consume")]
        )

    # ------------------------------------------------------------ trust
    def test_unknown_device_registers_pending_and_books_nothing(self):
        answer = self.device("GET", "/iclock/cdata", options="all", pushver="2.4.1")
        self.assertEqual(answer.status_code, 200)
        self.assertIn(f"GET OPTION FROM: {SN}", answer.text)
        self.assertIn("TimeZone=8", answer.text)
        terminal = self.env["onecard.terminal"].search([("serial_number", "=", SN)])
        self.assertEqual(
            (terminal.zk_state, terminal.connection), ("pending", "zk_push")
        )
        refused = self.upload(self.punch_line("D001", 12, 0))
        self.assertEqual(
            (refused.status_code, refused.text), (403, "ERROR: pending_approval")
        )
        self.assertEqual(self.poll(), [])  # no users, no commands before approval
        self.assertFalse(self.consumed(self.alice))
        with self.assertRaises(AccessError):
            terminal.with_user(self.operator).action_zk_approve()

    def test_address_outside_the_allowed_network_is_refused(self):
        terminal = self.register_and_approve()
        terminal.zk_allowed_network = "10.99.0.0/16"
        answer = self.upload(self.punch_line("D001", 12, 0))
        self.assertEqual(
            (answer.status_code, answer.text), (403, "ERROR: address_not_allowed")
        )
        terminal.zk_allowed_network = "127.0.0.0/8"
        self.assertEqual(self.upload(self.punch_line("D001", 12, 0)).text, "OK: 1")

    # ------------------------------------------------------------ punches
    def test_punch_is_a_meal_booked_once(self):
        self.register_and_approve()
        line = self.punch_line("D001", 12, 1)
        self.assertEqual(self.upload(line).text, "OK: 1")
        self.assertEqual(self.upload(line).text, "OK: 1")  # re-upload after a timeout
        operation = self.consumed(self.alice)
        self.assertEqual(len(operation), 1)
        self.assertEqual((operation.state, operation.amount), ("approved", 12.0))
        self.assertEqual(operation.meal_period_id, self.lunch)
        # Another punch is another meal (the device let them eat): booked too.
        self.assertEqual(self.upload(self.punch_line("D001", 12, 30)).text, "OK: 1")
        self.assertEqual(len(self.consumed(self.alice)), 2)

    def test_bad_lines_and_times_are_not_booked(self):
        terminal = self.register_and_approve()
        answer = self.upload(
            "garbage without tabs",
            "D002\tnot a time\t0\t4",
            "D002\t2001-01-01 12:00:00\t0\t4\t0",  # far in the past
            "D002\t2099-01-01 12:00:00\t0\t4\t0",  # far in the future
            "NOBODY\t" + self.punch_line("X", 12, 5).split("\t")[1] + "\t0\t4\t0",
        )
        self.assertEqual(answer.text, "OK: 3")  # the two broken lines are not taken
        self.assertFalse(self.consumed(self.bob))
        unknown = self.env["onecard.operation"].search(
            [("terminal_id", "=", terminal.id)]
        )
        self.assertEqual(unknown.mapped("reason_code"), ["unknown_card"])
        for content_type, status in (("application/json", 415), ("text/plain", 200)):
            answer = self.device(
                "POST", "/iclock/cdata", b"\n", content_type, table="ATTLOG"
            )
            self.assertEqual(answer.status_code, status, answer.text)
        self.assertEqual(self.device("GET", "/iclock/nothing").status_code, 404)
        self.assertEqual(
            self.device("GET", "/iclock/getrequest", sn="").status_code, 400
        )
        big = b"x" * (5 * 1024 * 1024)
        self.assertEqual(
            self.device("POST", "/iclock/cdata", big, table="ATTLOG").status_code, 413
        )

    # ------------------------------------------------------------ users and clock
    def test_users_follow_the_card_lists(self):
        terminal = self.register_and_approve()
        lines = self.poll()
        self.assertTrue(any(":SET OPTION DateTime=" in line for line in lines), lines)
        # Not acknowledged: sent again (the clock command with the time of this poll).
        self.assertEqual(
            [line.split("DateTime=")[0] for line in self.poll()],
            [line.split("DateTime=")[0] for line in lines],
        )
        sent = []
        while lines:  # at most 50 commands a poll: a big company takes rounds
            sent += lines
            self.report(lines)
            lines = self.poll()
        ours = [line for line in sent if "USERINFO PIN=D0" in line]
        # Alice and Bob; the operator card is not a payment card
        self.assertEqual(len(ours), 2, ours)
        self.assertIn("DATA UPDATE USERINFO PIN=D001\tName=Alice", ours[0])
        self.assertIn("Card=3283276036", ours[0])  # 04D1B2C3, little-endian decimal
        terminal.invalidate_recordset()
        self.assertEqual(terminal.list_version, self.company.onecard_list_version)
        self.assertEqual(self.poll(), [])
        self.ledger.report_lost(self.bob_card)
        lines = self.poll()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("DATA DELETE USERINFO PIN=D002", lines[0])
        self.report(lines)
        self.assertEqual(self.poll(), [])
        self.assertNotIn(
            "D002", self.env["onecard.zkteco.users"]._wanted_users(terminal)
        )
        self.assertIn("D001", self.env["onecard.zkteco.users"]._wanted_users(terminal))

    # ------------------------------------------------------------ group commit
    def test_many_devices_uploads_in_one_call(self):
        """What the gateway's group commit runs: several devices' uploads (one of them
        twice in the same batch) and a poll in one transaction, answered in order."""
        first = self.register_and_approve()
        self.device("GET", "/iclock/cdata", sn="ZKTEST0002", options="all")
        second = self.env["onecard.terminal"].search(
            [("serial_number", "=", "ZKTEST0002")]
        )
        second.write({"canteen_id": self.canteen.id, "mode": "meal"})
        second.action_zk_approve()
        alice, bob = self.punch_line("D001", 12, 10), self.punch_line("D002", 12, 11)

        def upload(sn, *lines):
            query = f"SN={sn}&table=ATTLOG&Stamp=1"
            body = "\n".join(lines).encode()
            return ("POST", "/iclock/cdata", query, body, "text/plain", "127.0.0.1")

        answers = self.env["onecard.zkteco.service"].serve_many(
            [
                upload(SN, alice),
                upload("ZKTEST0002", bob, "truncated"),
                upload(SN, alice),  # the device's retry, in the same batch
                upload("ZKNOBODY", alice),
                ("GET", "/iclock/getrequest", "SN=ZKTEST0002", b"", "", "127.0.0.1"),
            ]
        )
        self.assertEqual(
            [(a.status, a.body) for a in answers[:4]],
            [
                (200, b"OK: 1"),
                (200, b"OK: 1"),
                (200, b"OK: 1"),
                (403, b"ERROR: unknown_serial"),
            ],
        )
        self.assertIn(b"DATA UPDATE USERINFO", answers[4].body)
        self.assertEqual(self.consumed(self.alice).terminal_id, first)  # once
        self.assertEqual(self.consumed(self.bob).terminal_id, second)
