from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDeskTour(HttpCase):
    """The operator desk and its wizards, used by a user with only the operator
    group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="onecard_desk_operator",
            groups="onecard_consume.group_onecard_operator",
            name="Desk Operator",
        )
        cls.cash = cls.env.ref("onecard_consume.payment_method_cash")
        canteen = cls.env["onecard.canteen"].create(
            {"name": "Desk Test Canteen", "code": "DTC"}
        )
        cls.terminal = cls.env["onecard.terminal"].create(
            {
                "name": "Desk Test Till",
                "code": "DT-01",
                "canteen_id": canteen.id,
                "mode": "amount",
            }
        )

    @classmethod
    def _wedge_holders(cls):
        """Two accounts with money for the keyboard-wedge tour."""
        ledger = cls.env["onecard.ledger"]
        Holder = cls.env["onecard.cardholder"]
        one = Holder.create({"name": "Wedge One", "code": "WEDGE-1"})
        two = Holder.create({"name": "Wedge Two", "code": "WEDGE-2"})
        ledger.issue_card(one, "0A1B2C3D", deposit=10.0, topup=100.0, method=cls.cash)
        ledger.issue_card(two, "0E1F2A3B", topup=40.0, method=cls.cash)
        return one, two

    def _assert_wallets_consistent(self, holder):
        wallets = self.env["onecard.wallet"].search([("cardholder_id", "=", holder.id)])
        self.assertFalse(wallets._verify_chain())
        for wallet in wallets:
            rows = self.env["onecard.transaction"].search(
                [("wallet_id", "=", wallet.id)]
            )
            self.assertFalse(
                wallet.currency_id.compare_amounts(
                    wallet.balance, sum(rows.mapped("amount"))
                )
            )

    def test_desk_tour(self):
        self.start_tour(
            "/odoo/action-onecard_consume.onecard_desk_action",
            "onecard_desk_tour",
            login=self.operator.login,
        )
        card = self.env["onecard.card"].search([("uid", "=", "04A1B2C3D4")])
        self.assertEqual(len(card), 1)
        self.assertEqual(card.state, "active")
        self.assertEqual(card.cardholder_id.code, "TOUR-001")
        self.assertEqual(card.create_uid, self.operator)
        self.assertEqual(
            card.history_ids.mapped("new_state"), ["active", "lost", "active"]
        )
        holder = card.cardholder_id
        cash = holder._wallet("cash")
        currency = cash.currency_id
        rows = self.env["onecard.transaction"].search([("wallet_id", "=", cash.id)])
        self.assertFalse(
            currency.compare_amounts(cash.balance, sum(rows.mapped("amount")))
        )
        self.assertFalse(currency.compare_amounts(cash.balance, 150.0))
        self.assertEqual(sorted(rows.mapped("amount")), [50.0, 100.0])
        self.assertFalse(
            currency.compare_amounts(holder._wallet("deposit").balance, 20.0)
        )
        self.assertFalse(currency.compare_amounts(card.deposit, 20.0))
        self._assert_wallets_consistent(holder)

    def test_wedge_desk_swipe_after_swipe(self):
        """Swipe after swipe without a mouse, a notification of the balance after
        every operation, a receipt (issue 17.1)."""
        one, two = self._wedge_holders()
        self.start_tour(
            "/odoo/action-onecard_consume.onecard_desk_action",
            "onecard_desk_wedge_tour",
            login=self.operator.login,
        )
        self.env.invalidate_all()
        self.assertEqual((one.cash_balance, two.cash_balance), (120.0, 40.0))
        operations = self.env["onecard.operation"].search(
            [("cardholder_id", "=", one.id), ("create_uid", "=", self.operator.id)]
        )
        self.assertEqual(
            sorted(operations.mapped(lambda op: (op.kind, op.amount))),
            [("refund", 30.0), ("topup", 50.0)],
        )
        self._assert_wallets_consistent(one)
        self._assert_wallets_consistent(two)
        desk = self.env["onecard.desk"].search([("create_uid", "=", self.operator.id)])
        self.assertEqual(len(desk), 1, "one desk, saved swipe after swipe")
        # The last swipe: the second card; the first one's receipt went with it.
        self.assertEqual(desk.card_uid, "0E1F2A3B")
        self.assertFalse(desk.last_operation_id)

    def test_operator_cannot_close_a_funded_account(self):
        """The status bar does not click, an RPC write of the state is refused
        (issue 17.2)."""
        one, _two = self._wedge_holders()
        self.start_tour(
            f"/odoo/action-onecard_consume.onecard_cardholder_action/{one.id}",
            "onecard_holder_state_tour",
            login=self.operator.login,
        )
        self.env.invalidate_all()
        self.assertEqual((one.state, one.card_ids.state), ("active", "active"))
        self.assertEqual((one.cash_balance, one.deposit_balance), (100.0, 10.0))
        self._assert_wallets_consistent(one)

    def test_desk_operations_as_operator(self):
        """Every wizard operation, through the views' Form, as an operator-only user."""
        env = self.env(user=self.operator)
        with Form(env["onecard.desk"]) as desk_form:
            desk_form.card_uid = "0a:0b:0c:0d"
            self.assertEqual(desk_form.card_uid, "0A0B0C0D")
            self.assertIn("0A0B0C0D", desk_form.message)
            self.assertTrue(desk_form.can_issue)
        desk = desk_form.record
        action = desk.action_issue_card()
        with Form(env[action["res_model"]].with_context(**action["context"])) as issue:
            self.assertEqual(issue.uid, "0A0B0C0D")
            issue.name = "Desk Holder"
            issue.code = "DESK-001"
            issue.deposit = 10.0
            issue.topup = 100.0
            issue.payment_method_id = self.cash
        done = issue.record.action_confirm()
        self.assertEqual(done["params"]["type"], "success")
        self.assertIn("100.00", done["params"]["message"])
        self.assertEqual(done["params"]["next"]["type"], "ir.actions.act_window_close")
        self.assertEqual(desk.card_state, "active")
        self.assertEqual(desk.cash_balance, 100.0)
        self.assertFalse(desk.message)
        card, holder = desk.card_id, desk.cardholder_id

        def run(operation, **values):
            action = desk.with_context(onecard_operation=operation).action_operation()
            with Form(
                env[action["res_model"]].with_context(**action["context"])
            ) as wizard:
                for name, value in values.items():
                    setattr(wizard, name, value)
            return wizard.record.action_confirm()

        run("topup", amount=50.0)
        self.assertEqual(desk.cash_balance, 150.0)
        run("refund", amount=30.0)
        self.assertEqual(desk.cash_balance, 120.0)
        run("freeze", reason="Holiday")
        self.assertEqual(desk.card_state, "frozen")
        run("unfreeze")
        self.assertEqual(desk.card_state, "active")
        run("transfer", amount=20.0)
        self.assertEqual((desk.cash_balance, desk.temporary_balance), (100.0, 20.0))
        run("transfer", amount=20.0, direction="to_official")
        self.assertEqual((desk.cash_balance, desk.temporary_balance), (120.0, 0.0))
        run(
            "back_entry",
            terminal_id=self.terminal,
            amount=12.5,
            reason="Reader down at lunch",
        )
        self.assertEqual(desk.cash_balance, 107.5)
        back_entry = env["onecard.operation"].search(
            [("cardholder_id", "=", holder.id), ("kind", "=", "back_entry")]
        )
        self.assertTrue(back_entry.offline)
        run("correction", operation_id=back_entry, reason="Charged twice")
        self.assertEqual(desk.cash_balance, 120.0)
        self.assertTrue(back_entry.reversed_by_id)
        run("report_lost")
        self.assertEqual(desk.card_state, "lost")
        run("replace", new_uid="0a0b0c0e")
        self.assertEqual(card.state, "lost")
        self.assertEqual(desk.card_uid, "0A0B0C0E")
        self.assertEqual(desk.card_state, "active")
        self.assertEqual(desk.card_deposit, 10.0)
        run("return", payment_method_id=self.cash)
        self.assertEqual(desk.card_state, "returned")
        self.assertEqual((desk.cash_balance, holder.deposit_balance), (0.0, 0.0))
        self.assertTrue(desk.can_issue)
        self._assert_wallets_consistent(holder)
        # The replaced card stays blocked, even when found again.
        wizard = (
            env["onecard.card.operation.wizard"]
            .with_context(default_operation="unlock", default_card_id=card.id)
            .create({})
        )
        with self.assertRaisesRegex(UserError, "was replaced"):
            wizard.action_confirm()
        self.assertEqual(card.state, "lost")
        # From the card form (no desk): the wizard closes with a notification.
        spare = env["onecard.ledger"].issue_card(holder, "0A0B0C0F")
        env["onecard.ledger"].report_lost(spare)
        wizard = (
            env["onecard.card.operation.wizard"]
            .with_context(default_operation="unlock", default_card_id=spare.id)
            .create({})
        )
        self.assertEqual(wizard.action_confirm()["tag"], "display_notification")
        self.assertEqual(spare.state, "active")

    def test_desk_unknown_and_invalid_uid(self):
        env = self.env(user=self.operator)
        with Form(env["onecard.desk"]) as desk_form:
            desk_form.card_uid = "not a uid"
            self.assertIn("not a card UID", desk_form.message)
            self.assertFalse(desk_form.can_issue)
            desk_form.card_uid = "DEADBEEF"
            self.assertIn("unknown", desk_form.message)
            self.assertFalse(desk_form.card_found)

    def test_issue_to_existing_holder(self):
        """The cardholder form's Issue Card button: a temporary card for an existing
        account."""
        env = self.env(user=self.operator)
        holder = env["onecard.cardholder"].create({"name": "Visitor", "code": "V-001"})
        context = {
            "default_holder_mode": "existing",
            "default_cardholder_id": holder.id,
        }
        with Form(env["onecard.issue.wizard"].with_context(**context)) as issue:
            issue.uid = "11 22 33 44"
            self.assertEqual(issue.uid, "11223344")
            issue.kind = "temporary"
            issue.topup = 30.0
            issue.payment_method_id = self.cash
        action = issue.record.action_confirm()
        card = env["onecard.card"].browse(action["res_id"])
        self.assertEqual(
            (card.cardholder_id, card.kind, card.state), (holder, "temporary", "active")
        )
        self.assertEqual((holder.temporary_balance, holder.cash_balance), (30.0, 0.0))
        self._assert_wallets_consistent(holder)
