"""The card lists as they stand, not only their change log (issue 17, item 8)."""

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.onecard_consume.tests.common import setup_onecard_env


@tagged("post_install", "-at_install")
class TestListCurrent(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.operator = new_test_user(
            cls.env,
            login="oc_lists_operator",
            groups="onecard_consume.group_onecard_operator",
        )
        Holder = cls.env["onecard.cardholder"]
        ledger = cls.env["onecard.ledger"]
        cls.ann, cls.bob = Holder.create(
            [
                {"name": "List Ann", "code": "LC001"},
                {"name": "List Bob", "code": "LC002"},
            ]
        )
        cls.ann_card = ledger.issue_card(cls.ann, "4C000001")
        cls.bob_card = ledger.issue_card(cls.bob, "4C000002")

    def lists(self, uid):
        self.env.flush_all()
        rows = (
            self.env["onecard.list.current"]
            .with_user(self.operator)
            .search([("uid", "=", uid)])
        )
        return set(rows.mapped("list_type"))

    def test_lists_follow_the_card(self):
        self.assertEqual(self.lists("4C000001"), {"whitelist"})
        self.ann_card.action_report_lost()
        self.assertEqual(self.lists("4C000001"), {"blacklist"})
        self.assertEqual(self.lists("4C000002"), {"whitelist"}, "Bob's card untouched")
        self.env["onecard.ledger"].unlock(self.ann_card)
        self.assertEqual(self.lists("4C000001"), {"whitelist"})

    def test_row_shows_card_and_holder(self):
        self.bob_card.action_report_lost()
        self.env.flush_all()
        row = self.env["onecard.list.current"].search(
            [("uid", "=", "4C000002"), ("list_type", "=", "blacklist")]
        )
        self.assertEqual(row.card_id, self.bob_card)
        self.assertEqual(row.cardholder_id, self.bob)
        self.assertEqual(row.card_state, "lost")
        self.assertEqual(row.version, self.env.company.onecard_list_version)

    def test_seed_lists_cards_issued_before_the_addon(self):
        """Cards that existed before onecard_devices was installed (no change log yet)
        go on their lists at install (data: onecard.list.entry._seed)."""
        self.bob_card.action_report_lost()
        self.env["onecard.list.entry"].search([]).unlink()  # as before the install
        self.assertEqual(self.lists("4C000001"), set())
        version = self.env.company.onecard_list_version
        self.env["onecard.list.entry"]._seed()
        self.assertEqual(self.lists("4C000001"), {"whitelist"})
        self.assertEqual(self.lists("4C000002"), {"blacklist"})
        self.assertEqual(self.env.company.onecard_list_version, version + 1)
