"""A frozen account reaches offline terminals and ZKTeco devices through the
versioned card lists, and an unfrozen one comes back (issue 16)."""

from odoo.tests import tagged

from .common import TerminalApiCase
from .test_zkteco_push import TestZktecoPush


@tagged("post_install", "-at_install")
class TestAccountFreezeLists(TerminalApiCase):
    # The PUSH device helpers of the ZKTeco tests, without running those tests here.
    device = TestZktecoPush.device
    register_and_approve = TestZktecoPush.register_and_approve
    poll = TestZktecoPush.poll
    report = TestZktecoPush.report

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def entries(self, since):
        self.env.flush_all()
        return [
            (e["version"] - since, e["uid"], e["list"], e["action"])
            for e in self.ok(self.t_offline, "lists", {"since": since})["entries"]
        ]

    def test_freeze_blacklists_the_cards_and_unfreeze_takes_them_off(self):
        second = self.ledger.issue_card(self.alice, "04D1B2C9", kind="temporary")
        self.ledger.report_lost(second)
        version = self.company.onecard_list_version
        self.alice.freeze_account()
        self.env.flush_all()
        self.assertEqual(self.company.onecard_list_version, version + 1)
        # The active card moves; the lost one stays where it was.
        self.assertEqual(
            self.entries(version),
            [
                (1, "04D1B2C3", "blacklist", "add"),
                (1, "04D1B2C3", "whitelist", "remove"),
            ],
        )
        beat = self.ok(self.t_offline, "heartbeat", {"list_version": version})
        self.assertTrue(beat["lists_changed"])
        self.assertEqual(len(beat["list_delta"]), 2)
        full = self.ok(self.t_offline, "lists", {})
        self.assertIn("04D1B2C3", full["blacklist"])
        self.assertNotIn("04D1B2C3", full["whitelist"])
        self.assertIn(self.bob_card.uid, full["whitelist"])
        self.assertEqual(
            self.ok(self.t_amount, "swipe", {"uid": "04D1B2C3", "amount": 1})["code"],
            "holder_inactive",
        )
        # A card frozen while the account is frozen: already on the blacklist,
        # no new version; unfreezing the account then leaves that card there.
        self.ledger.freeze(self.alice_card)
        self.env.flush_all()
        self.assertEqual(self.company.onecard_list_version, version + 1)
        self.alice.unfreeze_account()
        self.env.flush_all()
        self.assertEqual(self.company.onecard_list_version, version + 1)
        self.assertEqual(self.entries(version + 1), [])
        self.ledger.unfreeze(self.alice_card)
        self.env.flush_all()
        self.assertEqual(
            self.entries(version + 1),
            [
                (1, "04D1B2C3", "blacklist", "remove"),
                (1, "04D1B2C3", "whitelist", "add"),
            ],
        )
        answer = self.ok(self.t_amount, "swipe", {"uid": "04D1B2C3", "amount": 1})
        self.assertEqual((answer["approved"], answer["code"]), (True, "ok"), answer)
        full = self.ok(self.t_offline, "lists", {})
        self.assertIn("04D1B2C3", full["whitelist"])
        self.assertIn("04D1B2C9", full["blacklist"])  # still lost

    def test_unfreeze_whitelists_again(self):
        version = self.company.onecard_list_version
        self.bob.freeze_account()
        self.bob.unfreeze_account()
        self.env.flush_all()
        self.assertEqual(self.company.onecard_list_version, version + 2)
        self.assertEqual(
            self.entries(version + 1),
            [
                (1, "04D1B2C4", "blacklist", "remove"),
                (1, "04D1B2C4", "whitelist", "add"),
            ],
        )
        # Collapsed since before the freeze: the card ends where it started.
        self.assertEqual(
            {entry[2:] for entry in self.entries(version)},
            {("blacklist", "remove"), ("whitelist", "add")},
        )
        answer = self.ok(self.t_fixed, "swipe", {"uid": "04D1B2C4"})
        self.assertEqual((answer["approved"], answer["code"]), (True, "ok"), answer)

    def test_frozen_account_leaves_zkteco_devices_and_comes_back(self):
        terminal = self.register_and_approve()
        lines = self.poll()
        while lines:  # the initial users and the clock
            self.report(lines)
            lines = self.poll()
        terminal.invalidate_recordset()
        self.assertEqual(terminal.list_version, self.company.onecard_list_version)
        self.bob.freeze_account()
        lines = self.poll()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("DATA DELETE USERINFO PIN=D002", lines[0])
        command = self.env["onecard.terminal.command"].search(
            [("terminal_id", "=", terminal.id), ("device_pin", "=", "D002")],
            order="id desc",
            limit=1,
        )
        self.assertEqual(
            (command.kind, command.list_version),
            ("user_delete", self.company.onecard_list_version),
        )
        self.report(lines)
        self.assertEqual(self.poll(), [])
        self.bob.unfreeze_account()
        lines = self.poll()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("DATA UPDATE USERINFO PIN=D002\tName=Bob", lines[0])
        self.report(lines)
        self.assertEqual(self.poll(), [])
        terminal.invalidate_recordset()
        self.assertEqual(terminal.list_version, self.company.onecard_list_version)
