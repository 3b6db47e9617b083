from odoo.tests import tagged

from .common import OnecardCase, local_to_utc


class OperationsCase(OnecardCase):
    """Desk operations as the lowest group that should do them: the operator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carl = cls.env["onecard.cardholder"].create(
            {"name": "Carl", "code": "T010", "category_id": cls.staff.id}
        )

    def setUp(self):
        super().setUp()
        self.op_ledger = self.ledger.with_user(self.operator)

    def op(self, record):
        return record.with_user(self.operator)

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def rows(self, answer):
        return (
            self.env["onecard.operation"].browse(answer["operation_id"]).transaction_ids
        )


@tagged("post_install", "-at_install")
class TestOperations(OperationsCase):
    # ---------------------------------------------------------------- issue
    def test_issue_with_deposit_and_topup(self):
        card = self.op_ledger.issue_card(
            self.op(self.carl),
            "0a:0b:0c:0d",
            deposit=20.0,
            topup=50.0,
            method=self.bank,
        )
        self.assertEqual(card.uid, "0A0B0C0D", "the UID is stored in canonical hex")
        self.assertEqual(card.state, "active")
        self.assertTrue(card.number and card.number != "/")
        self.assertEqual(card.deposit, 20.0)
        self.assertBalances(
            self.carl, cash=50.0, deposit=20.0, subsidy=0.0, temporary=0.0
        )
        ops = self.env["onecard.operation"].search(
            [("card_id", "=", card.id)], order="id"
        )
        self.assertEqual(ops.mapped("kind"), ["deposit_in", "topup"])
        self.assertEqual(ops.mapped("payment_method_id"), self.bank | self.bank)
        self.assertEqual(ops.mapped("amount"), [20.0, 50.0])
        self.assertEqual(ops.transaction_ids.create_uid, self.operator)
        self.assertEqual(card.history_ids.new_state, "active")

    def test_issue_without_money(self):
        card = self.op_ledger.issue_card(self.op(self.carl), "0A0B0C0E")
        self.assertFalse(
            self.env["onecard.operation"].search([("card_id", "=", card.id)])
        )
        self.assertBalances(self.carl, cash=0.0, deposit=0.0)

    def test_issue_refused(self):
        holder = self.op(self.carl)
        with self.assertRefused("already in use"):
            self.op_ledger.issue_card(holder, self.alice_card.uid)
        with self.assertRefused("already in use"):
            self.op_ledger.issue_card(holder, "04:a1:b2:c3")  # same UID, other spelling
        for bad in ("", "XYZ12345", "0A0B0C", "0A0B0C0D0E0F0A0B0C0D0E", "0A0B0C0D0"):
            with self.assertRefused("not a valid card UID"):
                self.op_ledger.issue_card(holder, bad)
        with self.assertRefused("payment method"):
            self.op_ledger.issue_card(holder, "0A0B0C0F", deposit=10.0)
        with self.assertRefused("negative"):
            self.op_ledger.issue_card(
                holder, "0A0B0C0F", deposit=-10.0, method=self.cash
            )
        for bad in (float("nan"), float("inf"), 10.001, "10"):
            with self.assertRefused():
                self.op_ledger.issue_card(
                    holder, "0A0B0C0F", deposit=bad, method=self.cash
                )
            with self.assertRefused():
                self.op_ledger.issue_card(
                    holder, "0A0B0C0F", topup=bad, method=self.cash
                )
        self.carl.state = "closed"
        with self.assertRefused("closed"):
            self.op_ledger.issue_card(holder, "0A0B0C0F")

    def test_returned_uid_can_be_reissued(self):
        card = self.ledger.issue_card(self.carl, "0A0B0C10")
        self.op_ledger.return_card(self.op(card), self.cash)
        again = self.op_ledger.issue_card(self.op(self.carl), "0A0B0C10")
        self.assertEqual(again.state, "active")
        self.assertEqual(card.state, "returned")
        self.assertEqual(
            self.env["onecard.card"]._find_by_uid("0A0B0C10", self.company),
            again,
            "the live card wins over the returned one",
        )
        with self.assertRefused("already in use"):
            self.op_ledger.issue_card(self.op(self.alice), "0A0B0C10")

    # --------------------------------------------------------------- top-up
    def test_topup_each_payment_method(self):
        card = self.op(self.alice_card)
        for method, amount in (
            (self.cash, 10.0),
            (self.bank, 20.5),
            (self.wechat, 0.01),
            (self.alipay, 99.99),
        ):
            answer = self.op_ledger.topup(card, amount, method)
            self.assertTrue(answer["approved"])
            operation = self.env["onecard.operation"].browse(answer["operation_id"])
            self.assertEqual(
                (operation.kind, operation.payment_method_id, operation.amount),
                ("topup", method, amount),
            )
            self.assertEqual(operation.transaction_ids.mapped("amount"), [amount])
            self.assertEqual(operation.transaction_ids.wallet_kind, "cash")
        self.assertBalances(self.alice, cash=100.0 + 130.5, subsidy=50.0)

    def test_topup_key_is_idempotent(self):
        first = self.op_ledger.topup(
            self.op(self.alice_card), 10.0, self.cash, key="desk-1"
        )
        second = self.op_ledger.topup(
            self.op(self.alice_card), 10.0, self.cash, key="desk-1"
        )
        self.assertEqual(second["operation_id"], first["operation_id"])
        self.assertTrue(second["replay"])
        self.assertBalances(self.alice, cash=110.0)

    def test_topup_refused(self):
        card = self.op(self.alice_card)
        for bad in (0, 0.0, -5.0, float("nan"), float("inf"), 10.001, "10", None):
            with self.assertRefused():
                self.op_ledger.topup(card, bad, self.cash)
        with self.assertRefused("payment method"):
            self.op_ledger.topup(card, 10.0, None)
        with self.assertRefused("Unknown card"):
            self.op_ledger.topup(self.env["onecard.card"], 10.0, self.cash)

    def test_topup_lost_and_frozen_cards(self):
        """Decided from the code: money may be put on a lost or frozen card (the balance
        is the holder's)."""
        self.op_ledger.report_lost(self.op(self.alice_card))
        self.op_ledger.topup(self.op(self.alice_card), 5.0, self.cash)
        bob = self.op(self.bob_card)
        self.op_ledger.freeze(bob)
        self.op_ledger.topup(bob, 5.0, self.cash)
        self.assertBalances(self.alice, cash=105.0)
        self.assertBalances(self.bob, cash=105.0)

    # --------------------------------------------------- lost / freeze
    def test_lost_and_unlock(self):
        card = self.op(self.alice_card)
        self.op_ledger.report_lost(card)
        self.assertEqual(card.state, "lost")
        self.assertDeclined(self.swipe(self.t_fixed, card), "card_lost")
        with self.assertRefused("Lost"):
            self.op_ledger.report_lost(card)
        self.op_ledger.unlock(card)
        self.assertEqual(card.state, "active")
        self.assertTrue(self.swipe(self.t_fixed, card)["approved"])
        with self.assertRefused("Active"):
            self.op_ledger.unlock(card)
        self.assertEqual(
            card.history_ids.sorted("id").mapped("new_state"),
            ["active", "lost", "active"],
        )
        self.assertBalances(self.alice, subsidy=42.0, cash=100.0)

    def test_freeze_unfreeze(self):
        card = self.op(self.alice_card)
        self.op_ledger.freeze(card, "suspicious use")
        self.assertEqual(card.state, "frozen")
        self.assertEqual(card.history_ids.sorted("id")[-1:].reason, "suspicious use")
        self.assertDeclined(self.swipe(self.t_fixed, card), "card_frozen")
        with self.assertRefused("Frozen"):
            self.op_ledger.freeze(card)
        self.op_ledger.unfreeze(card)
        self.assertEqual(card.state, "active")
        with self.assertRefused("Active"):
            self.op_ledger.unfreeze(card)
        self.assertTrue(self.swipe(self.t_fixed, card)["approved"])

    # -------------------------------------------------------------- replace
    def test_replace_card(self):
        card = self.ledger.issue_card(
            self.carl, "0A0B0C20", deposit=20.0, topup=30.0, method=self.cash
        )
        new = self.op_ledger.replace_card(self.op(card), "0A0B0C21")
        self.assertEqual(card.state, "lost")
        self.assertEqual(
            (new.state, new.cardholder_id, new.deposit, card.deposit),
            ("active", self.carl, 20.0, 0.0),
        )
        self.assertBalances(
            self.carl, cash=30.0, deposit=20.0
        )  # the balance follows (wallets are the holder's)
        answer = self.swipe(self.t_fixed, new)
        self.assertTrue(answer["approved"])
        self.assertAlmostEqual(answer["cash_amount"], 8.0)
        self.assertDeclined(
            self.swipe(self.t_fixed, card, at=local_to_utc(12, 1)), "card_lost"
        )
        self.assertBalances(self.carl, cash=22.0)
        # the replaced card stays blocked: finding it again does not revive it
        with self.assertRefused("was replaced"):
            self.op_ledger.unlock(self.op(card))
        self.assertEqual(card.state, "lost")
        # returning the new card pays back the deposit once, and clears subsidy
        # although the old (replaced) card is still on the blacklist
        self.grant_subsidy(self.carl, 5.0)
        self.op_ledger.return_card(self.op(new), self.cash)
        self.assertBalances(self.carl, cash=0.0, deposit=0.0, subsidy=0.0)

    def test_replace_refused(self):
        with self.assertRefused("already in use"):
            self.op_ledger.replace_card(self.op(self.alice_card), self.bob_card.uid)
        with self.assertRefused("not a valid"):
            self.op_ledger.replace_card(self.op(self.alice_card), "nonsense")
        self.assertEqual(self.alice_card.state, "active")
