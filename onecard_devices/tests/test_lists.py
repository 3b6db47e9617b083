from odoo.tests import tagged

from .common import TerminalApiCase


@tagged("post_install", "-at_install")
class TestLists(TerminalApiCase):
    def test_report_lost_reaches_every_terminal(self):
        terminals = self.t_amount | self.t_fixed | self.t_offline | self.t_kiosk
        version = self.company.onecard_list_version
        for terminal in terminals:  # every terminal is up to date
            answer = self.ok(terminal, "heartbeat", {"list_version": version})
            self.assertFalse(answer["lists_changed"])
            self.assertNotIn("list_delta", answer)
        self.ledger.report_lost(self.alice_card)
        self.env.flush_all()
        self.assertEqual(self.company.onecard_list_version, version + 1)
        expected = [
            {
                "uid": self.alice_card.uid,
                "list": "blacklist",
                "action": "add",
                "version": version + 1,
            },
            {
                "uid": self.alice_card.uid,
                "list": "whitelist",
                "action": "remove",
                "version": version + 1,
            },
        ]
        for terminal in terminals:
            beat = self.ok(terminal, "heartbeat", {"list_version": version})
            self.assertTrue(beat["lists_changed"])
            self.assertEqual(beat["list_version"], version + 1)
            self.assertEqual(beat["list_delta"], expected)
            lists = self.ok(terminal, "lists", {"since": version})
            self.assertEqual(
                (lists["full"], lists["version"], lists["entries"]),
                (False, version + 1, expected),
            )
            full = self.ok(terminal, "lists", {})
            self.assertIn(self.alice_card.uid, full["blacklist"])
            self.assertNotIn(self.alice_card.uid, full["whitelist"])
            self.assertIn(self.bob_card.uid, full["whitelist"])
            self.assertEqual(terminal.list_version, version + 1)
        self.assertEqual(
            self.ok(self.t_amount, "swipe", {"uid": self.alice_card.uid, "amount": 1})[
                "code"
            ],
            "card_lost",
        )
        # Found again: the delta since the lost version takes it off the blacklist.
        self.ledger.unlock(self.alice_card)
        self.env.flush_all()
        lists = self.ok(self.t_amount, "lists", {"since": version + 1})
        self.assertEqual(
            [(e["list"], e["action"]) for e in lists["entries"]],
            [("blacklist", "remove"), ("whitelist", "add")],
        )
        # Collapsed: since the old version, the card ends where it started.
        lists = self.ok(self.t_amount, "lists", {"since": version})
        self.assertEqual(
            {(e["list"], e["action"]) for e in lists["entries"]},
            {("blacklist", "remove"), ("whitelist", "add")},
        )

    def test_every_state_change_bumps_the_version(self):
        Entry = self.env["onecard.list.entry"]
        version = self.company.onecard_list_version
        self.ledger.freeze(self.bob_card)
        self.ledger.unfreeze(self.bob_card)
        new = self.ledger.replace_card(self.bob_card, "04D1B2D9")
        self.ledger.return_card(new, self.cash)
        self.env.flush_all()
        rows = Entry.search(
            [("version", ">", version), ("company_id", "=", self.company.id)]
        )
        got = sorted((r.version - version, r.uid, r.list_type, r.action) for r in rows)
        self.assertEqual(
            got,
            [
                (1, "04D1B2C4", "blacklist", "add"),
                (1, "04D1B2C4", "whitelist", "remove"),
                (2, "04D1B2C4", "blacklist", "remove"),
                (2, "04D1B2C4", "whitelist", "add"),
                (3, "04D1B2D9", "whitelist", "add"),
                (4, "04D1B2C4", "blacklist", "add"),
                (4, "04D1B2C4", "whitelist", "remove"),
                (5, "04D1B2D9", "whitelist", "remove"),
            ],
        )

    def test_stale_or_future_version_gets_full_list(self):
        version = self.company.onecard_list_version
        answer = self.ok(self.t_amount, "lists", {"since": version + 1000})
        self.assertTrue(answer["full"])
        self.assertEqual(answer["version"], version)
