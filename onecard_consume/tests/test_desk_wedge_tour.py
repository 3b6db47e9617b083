from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDeskWedgeTour(HttpCase):
    """The screens in Chromium as an operator uses them: the desk swipe after swipe
    with a keyboard-wedge reader, and an attempt to close a funded account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="onecard_wedge_operator",
            groups="onecard_consume.group_onecard_operator",
            name="Wedge Operator",
        )
        cls.cash = cls.env.ref("onecard_consume.payment_method_cash")
        ledger = cls.env["onecard.ledger"]
        Holder = cls.env["onecard.cardholder"]
        cls.one = Holder.create({"name": "Wedge One", "code": "WEDGE-1"})
        cls.two = Holder.create({"name": "Wedge Two", "code": "WEDGE-2"})
        cls.card_one = ledger.issue_card(
            cls.one, "0A1B2C3D", deposit=10.0, topup=100.0, method=cls.cash
        )
        cls.card_two = ledger.issue_card(
            cls.two, "0E1F2A3B", topup=40.0, method=cls.cash
        )

    def assertWalletsMatchLedger(self, holder):
        for wallet in holder.wallet_ids:
            rows = self.env["onecard.transaction"].search(
                [("wallet_id", "=", wallet.id)]
            )
            self.assertFalse(
                wallet.currency_id.compare_amounts(
                    wallet.balance, sum(rows.mapped("amount"))
                ),
                wallet.kind,
            )
        self.assertFalse(holder.wallet_ids._verify_chain())

    def test_wedge_desk_swipe_after_swipe(self):
        self.start_tour(
            "/odoo/action-onecard_consume.onecard_desk_action",
            "onecard_desk_wedge_tour",
            login=self.operator.login,
        )
        self.env.invalidate_all()
        self.assertEqual((self.one.cash_balance, self.two.cash_balance), (120.0, 40.0))
        operations = self.env["onecard.operation"].search(
            [("cardholder_id", "=", self.one.id), ("create_uid", "=", self.operator.id)]
        )
        self.assertEqual(
            sorted(operations.mapped(lambda op: (op.kind, op.amount))),
            [("refund", 30.0), ("topup", 50.0)],
        )
        self.assertWalletsMatchLedger(self.one)
        self.assertWalletsMatchLedger(self.two)
        desk = self.env["onecard.desk"].search([("create_uid", "=", self.operator.id)])
        self.assertEqual(len(desk), 1, "one desk, saved swipe after swipe")
        # The last swipe: the second card; the first one's receipt went with it.
        self.assertEqual(desk.card_uid, "0E1F2A3B")
        self.assertFalse(desk.last_operation_id)

    def test_operator_cannot_close_a_funded_account(self):
        self.start_tour(
            f"/odoo/action-onecard_consume.onecard_cardholder_action/{self.one.id}",
            "onecard_holder_state_tour",
            login=self.operator.login,
        )
        self.env.invalidate_all()
        self.assertEqual((self.one.state, self.card_one.state), ("active", "active"))
        self.assertEqual(
            (self.one.cash_balance, self.one.deposit_balance), (100.0, 10.0)
        )
        self.assertWalletsMatchLedger(self.one)
