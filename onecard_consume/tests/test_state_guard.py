from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import OnecardCase


@tagged("post_install", "-at_install")
class TestStateGuard(OnecardCase):
    """Holder and card states change only through their operations, each with its
    checks; a direct write of ``state`` from a user (the UI, RPC) is refused, and
    nothing changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="oc_test_state_manager",
            groups="onecard_consume.group_onecard_manager,base.group_system",
        )
        cls.ledger.topup(cls.alice_card, 80.0, cls.cash)

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def test_direct_state_writes_refused(self):
        before = self.snapshot()
        for user in (self.operator, self.manager):
            holder = self.alice.with_user(user)
            with self.assertRaisesRegex(UserError, "only through its operations"):
                holder.write({"state": "closed"})
            card = self.alice_card.with_user(user)
            with self.assertRaisesRegex(UserError, "only through its operations"):
                card.write({"state": "returned"})
            # A context key proves nothing: anyone may send one over RPC.
            with self.assertRaisesRegex(UserError, "only through its operations"):
                holder.with_context(onecard_state_change=True).write(
                    {"state": "closed"}
                )
        self.env.invalidate_all()
        self.assertEqual(
            (self.alice.state, self.alice_card.state), ("active", "active")
        )
        self.assertEqual(self.snapshot(), before)
        self.assertBalances(self.alice, cash=180.0, subsidy=50.0)

    def test_state_readonly_in_the_form(self):
        with Form(self.alice.with_user(self.operator)) as holder_form:
            with self.assertRaises(AssertionError):
                holder_form.state = "closed"
        with Form(self.alice_card.with_user(self.operator)) as card_form:
            with self.assertRaises(AssertionError):
                card_form.state = "returned"
        self.assertEqual(self.alice.state, "active")

    def test_freeze_and_unfreeze_account(self):
        holder = self.alice.with_user(self.operator)
        holder.freeze_account()
        self.assertEqual(self.alice.state, "frozen")
        answer = self.swipe(self.t_fixed, self.alice_card)
        self.assertEqual(answer["code"], "holder_inactive")
        with self.assertRaisesRegex(UserError, "not possible"):
            holder.freeze_account()
        holder.unfreeze_account()
        self.assertEqual(self.alice.state, "active")
        self.assertTrue(self.swipe(self.t_fixed, self.alice_card)["approved"])
        with self.assertRaisesRegex(UserError, "not possible"):
            holder.unfreeze_account()

    def test_close_only_an_empty_account(self):
        holder = self.alice.with_user(self.operator)
        before = self.snapshot()
        with self.assertRaisesRegex(UserError, "live cards"):
            holder.close_account()
        self.assertEqual((self.alice.state, self.snapshot()), ("active", before))
        # The way out: the return pays out the balance (and the deposit), then the
        # account closes.
        self.alice_card.with_user(self.operator).return_card(self.cash)
        self.assertBalances(self.alice, cash=0.0, subsidy=0.0, deposit=0.0)
        holder.close_account()
        self.assertEqual(self.alice.state, "closed")
        with self.assertRaisesRegex(UserError, "not possible"):
            holder.freeze_account()
        with self.assertRaisesRegex(UserError, "closed"):
            self.ledger.issue_card(self.alice, "0D0E0F10")

    def test_close_refused_while_money_is_left(self):
        """No live card, yet money on the account (a temporary-account balance
        stays when the official card is returned): pay it out first."""
        self.ledger.transfer(self.alice, 30.0)
        self.alice_card.with_user(self.operator).return_card(self.cash)
        self.assertBalances(self.alice, temporary=30.0)
        with self.assertRaisesRegex(UserError, "still holds money"):
            self.alice.with_user(self.operator).close_account()
        self.assertEqual(self.alice.state, "active")

    def test_clerk_cannot_change_states(self):
        clerk = new_test_user(self.env, login="oc_test_state_clerk")
        with self.assertRaises(AccessError):
            self.alice.with_user(clerk).freeze_account()
        self.assertEqual(self.alice.state, "active")
