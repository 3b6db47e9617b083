import socket
from datetime import datetime, timedelta

import zk

from odoo import fields
from odoo.tests import tagged

from odoo.addons.onecard_devices.zkteco import standalone
from odoo.addons.onecard_devices.zkteco.clock import utc_to_device

from .common import TZ, TerminalApiCase

SN = "ZKPULL0001"


def free_port():
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestZktecoPull(TerminalApiCase):
    """The pull job against our standalone-protocol emulator over loopback TCP."""

    def setUp(self):
        super().setUp()
        self.emulator = standalone.Emulator(
            standalone.DeviceState(serial=SN), udp=False
        ).start()
        self.addCleanup(self.emulator.stop)
        self.device = self.emulator.state
        self.terminal = self.pull_terminal("ZKP", self.emulator.port)
        self.pull = self.env["onecard.zkteco.pull"]

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def pull_terminal(self, code, port, **vals):
        return self.env["onecard.terminal"].create(
            dict(
                name=f"ZK {code}",
                code=code,
                canteen_id=self.canteen.id,
                mode="meal",
                online_mode=False,
                connection="zk_pull",
                zk_host="127.0.0.1",
                zk_port=port,
                **vals,
            )
        )

    def punch(self, pin, hour, minute, days_ago=1):
        """A record on the device, in its local time (the company's zone)."""
        local = (datetime.now(TZ) - timedelta(days=days_ago)).replace(
            hour=hour, minute=minute, second=0, microsecond=0, tzinfo=None
        )
        self.device.add_punch(pin, local)
        return local

    def local_now(self):
        return utc_to_device(fields.Datetime.now(), "Asia/Shanghai")

    def set_device_clock(self, offset=timedelta(0)):
        self.device.clock_offset = self.local_now() + offset - datetime.now()

    def consumed(self, holder):
        return self.env["onecard.operation"].search(
            [("cardholder_id", "=", holder.id), ("kind", "=", "consume")]
        )

    def device_users(self):
        """The users as pyzk reads them back from the device: {PIN: card}."""
        conn = zk.ZK(
            "127.0.0.1", port=self.emulator.port, timeout=5, ommit_ping=True
        ).connect()
        try:
            return {user.user_id: user.card for user in conn.get_users()}
        finally:
            conn.disconnect()

    # ------------------------------------------------------------ punches
    def test_records_are_meals_booked_once(self):
        self.set_device_clock()
        self.punch("D001", 12, 1)
        self.punch("D002", 12, 5)
        self.punch("NOBODY", 12, 6)
        self.pull._collect(self.terminal)
        alice = self.consumed(self.alice)
        self.assertEqual(len(alice), 1)
        self.assertEqual((alice.state, alice.amount), ("approved", 12.0))
        self.assertEqual(alice.meal_period_id, self.lunch)
        self.assertEqual(alice.terminal_id, self.terminal)
        self.assertEqual(len(self.consumed(self.bob)), 1)
        unknown = self.env["onecard.operation"].search(
            [("terminal_id", "=", self.terminal.id), ("cardholder_id", "=", False)]
        )
        self.assertEqual(unknown.mapped("reason_code"), ["unknown_card"])
        self.assertIn("NOBODY", unknown.note)
        before = self.counts()
        balances = self.balances(self.alice)
        self.assertEqual((balances["cash"], balances["subsidy"]), (100.0, 38.0))
        self.pull._collect(self.terminal)  # the device still has the three records
        self.assertEqual(self.counts(), before)
        self.punch("D001", 12, 30)  # another lunch: another meal
        self.pull._collect(self.terminal)
        self.assertEqual(len(self.consumed(self.alice)), 2)
        self.assertEqual(len(self.device.punches), 4)  # the device keeps its log

    def test_clear_records_only_once_all_are_booked(self):
        self.terminal.zk_clear_records = True
        self.punch("D001", 12, 1)
        self.pull._collect(self.terminal)
        self.assertEqual(len(self.consumed(self.alice)), 1)
        # booked in this collection: not cleared before that booking is committed
        self.assertEqual(len(self.device.punches), 1)
        self.pull._collect(self.terminal)
        self.assertEqual(self.device.punches, [])
        self.punch("D001", 12, 40)
        self.pull._collect(self.terminal)
        self.assertEqual(len(self.consumed(self.alice)), 2)

    def test_old_and_future_records_are_reported_once(self):
        self.punch("D001", 12, 0, days_ago=60)
        self.punch("D001", 12, 0, days_ago=-2)
        self.pull._collect(self.terminal)
        self.pull._collect(self.terminal)
        self.assertFalse(self.consumed(self.alice))
        notes = self.terminal.message_ids.filtered(
            lambda m: "implausible" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)

    # ------------------------------------------------------------ users
    def test_users_set_and_deleted_as_the_lists_change(self):
        self.pull._collect(self.terminal)
        # Alice and Bob; the operator card is not a payment card
        self.assertEqual(self.device_users(), {"D001": 3283276036, "D002": 3300053252})
        self.assertEqual(self.device.users[1].name, "Alice")
        self.terminal.invalidate_recordset()
        self.assertEqual(self.terminal.list_version, self.company.onecard_list_version)
        self.assertEqual(
            (self.terminal.zk_user_count, self.terminal.zk_expected_user_count), (2, 2)
        )
        self.assertFalse(self.terminal.pending_command_count)
        self.ledger.report_lost(self.bob_card)
        self.pull._collect(self.terminal)
        self.assertEqual(self.device_users(), {"D001": 3283276036})
        self.terminal.invalidate_recordset()  # the expected count is not stored
        self.assertEqual(self.terminal.zk_user_count, 1)
        self.assertEqual(self.terminal.zk_expected_user_count, 1)

    def test_category_restricts_the_devices_a_holder_goes_to(self):
        other = self.pull_terminal("ZKO", free_port())
        elsewhere = self.env["onecard.cardholder.category"].create(
            {"name": "Other canteen only", "allowed_terminal_ids": [(6, 0, other.ids)]}
        )
        here = self.env["onecard.cardholder.category"].create(
            {"name": "This device", "allowed_terminal_ids": [(6, 0, self.terminal.ids)]}
        )
        carol, _card = self.make_holder("Carol", "D003", "04D1B2C5")
        dan, _card = self.make_holder("Dan", "D004", "04D1B2C6")
        (carol | dan).write({"category_id": elsewhere.id})
        dan.category_id = here
        self.pull._collect(self.terminal)
        self.assertEqual(set(self.device_users()), {"D001", "D002", "D004"})
        self.assertEqual(self.terminal.zk_expected_user_count, 3)
        self.assertEqual(other.zk_expected_user_count, 3)  # Alice, Bob, Carol
        # Moved to the other category later: Resync takes Dan off this device.
        dan.category_id = elsewhere
        self.terminal.action_zk_resync_users()
        self.pull._collect(self.terminal)
        self.assertEqual(set(self.device_users()), {"D001", "D002"})

    # ------------------------------------------------------------ device state
    def test_clock_set_when_off_and_info_filled(self):
        self.set_device_clock(timedelta(minutes=7))
        self.pull._collect(self.terminal)
        terminal = self.terminal
        self.assertAlmostEqual(terminal.clock_drift, 420, delta=5)
        self.assertTrue(terminal.zk_last_time_sync)
        self.assertLess(abs((self.device.now() - self.local_now()).total_seconds()), 5)
        self.assertEqual(terminal.serial_number, SN)
        self.assertEqual(terminal.firmware, "Ver 6.60 Apr 28 2017")
        self.assertIn("platform=ZMM220_TFT", terminal.zk_info)
        self.assertEqual((terminal.zk_user_count, terminal.zk_record_count), (2, 0))
        self.assertEqual(terminal.status, "online")
        self.assertTrue(terminal.last_seen and terminal.zk_last_collect)
        synced = terminal.zk_last_time_sync
        self.pull._collect(terminal)  # within a minute now: left alone
        self.assertEqual(terminal.zk_last_time_sync, synced)

    def test_a_device_with_another_serial_books_nothing(self):
        self.terminal.serial_number = "SOMEONE-ELSE"
        self.punch("D001", 12, 1)
        line = self.pull._collect(self.terminal)
        self.assertIn(SN, line)
        self.assertFalse(self.consumed(self.alice))
        self.assertEqual(self.terminal.status, "offline")

    def test_unreachable_device_is_offline_and_the_others_are_collected(self):
        dead = self.pull_terminal("ZKDEAD", free_port())
        self.punch("D001", 12, 1)
        # the previous run ended a second ago
        cron = self.pull.with_context(
            lastcall=fields.Datetime.now() - timedelta(seconds=1)
        )
        collected = self.env["onecard.terminal"]
        while terminal := cron._cron_collect():
            collected |= terminal
        self.assertEqual(collected, dead | self.terminal)
        self.assertEqual(len(self.consumed(self.alice)), 1)
        self.assertEqual(dead.status, "offline")
        self.assertIn(str(dead.zk_port), dead.zk_pull_error)
        self.assertEqual(self.terminal.status, "online")
        failures = dead.message_ids.filtered(
            lambda m: "Collection failed" in (m.body or "")
        )
        self.assertEqual(len(failures), 1)
        dead.zk_pull_attempt = False  # the next run: still dead, said once only
        self.assertEqual(cron._cron_collect(), dead)
        self.assertEqual(
            len(
                dead.message_ids.filtered(
                    lambda m: "Collection failed" in (m.body or "")
                )
            ),
            1,
        )
        self.assertFalse(cron._cron_collect())  # nothing due until the next run

    def test_collect_now_button(self):
        action = self.terminal.with_user(self.operator).action_zk_collect()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("2 users set", action["params"]["message"])
        self.assertEqual(set(self.device_users()), {"D001", "D002"})
        cron = self.env.ref("onecard_devices.ir_cron_onecard_zkteco_pull")
        self.assertEqual(cron.code, "model._cron_collect()")
