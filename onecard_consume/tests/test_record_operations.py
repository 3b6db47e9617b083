from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.onecard_ledger import IdempotencyConflict
from .common import OnecardCase


@tagged("post_install", "-at_install")
class TestRecordOperations(OnecardCase):
    """The desk operations as business methods of cards, holders and operations,
    driven as the lowest group that should do them (the operator): each books
    through the engine, which keeps wallets equal to their ledger rows; keyed ones
    replay and refuse a reused key; users without the group get AccessError."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dora = cls.env["onecard.cardholder"].create(
            {"name": "Dora", "code": "T020", "category_id": cls.staff.id}
        )
        cls.clerk = new_test_user(
            cls.env, login="oc_test_clerk", groups="base.group_user"
        )
        cls.accountant = new_test_user(
            cls.env,
            login="oc_test_accountant_only",
            groups="onecard_consume.group_onecard_accountant",
        )

    def setUp(self):
        super().setUp()
        self.card = self.as_operator(self.alice_card)

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def as_operator(self, record):
        return record.with_user(self.operator)

    def counts(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT (SELECT count(*) FROM onecard_transaction), (SELECT count(*) "
            "FROM onecard_operation)"
        )
        return self.env.cr.fetchone()

    def history(self):
        return self.env["onecard.card.history"].search(
            [("card_id", "=", self.card.id)], order="id"
        )

    def assertKeyed(self, book, conflicting):
        """book() twice: the second is the first answer, nothing booked again; then
        conflicting() (the same key, other parameters) is refused, nothing booked."""
        first = book()
        self.assertTrue(first["approved"])
        self.assertFalse(first.get("replay"))
        self.assertLedgerInvariant()
        counts, balances = self.counts(), self.balances(self.card.cardholder_id)
        again = book()
        self.assertTrue(again["replay"])
        self.assertEqual(again["operation_id"], first["operation_id"])
        self.assertEqual(again["amount"], first["amount"])
        self.assertEqual(self.counts(), counts, "a replay booked something")
        self.assertEqual(self.balances(self.card.cardholder_id), balances)
        for call in conflicting:
            with self.assertRefused("already used", exception=IdempotencyConflict):
                call()
        return first

    # ---------------------------------------------------------- money, keyed
    def test_topup(self):
        answer = self.assertKeyed(
            lambda: self.card.topup(30.0, self.cash, key="rec-topup", reference="R-1"),
            [
                lambda: self.card.topup(31.0, self.cash, key="rec-topup"),
                lambda: self.card.topup(30.0, self.bank, key="rec-topup"),
                lambda: self.as_operator(self.bob_card).topup(
                    30.0, self.cash, key="rec-topup"
                ),
            ],
        )
        self.assertBalances(self.alice, cash=130.0, subsidy=50.0)
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(operation.kind, "topup")
        self.assertEqual(operation.note, "R-1")
        self.assertEqual(operation.create_uid, self.operator)
        with self.assertRefused("positive number"):
            self.card.topup(-5.0, self.cash)

    def test_refund(self):
        self.assertKeyed(
            lambda: self.card.refund(40.0, self.cash, key="rec-refund"),
            [lambda: self.card.refund(41.0, self.cash, key="rec-refund")],
        )
        self.assertBalances(self.alice, cash=60.0)
        with self.assertRefused("Insufficient balance"):
            self.card.refund(60.01, self.cash)

    def test_transfer(self):
        holder = self.as_operator(self.alice)
        self.assertKeyed(
            lambda: holder.transfer(25.0, key="rec-transfer"),
            [
                lambda: holder.transfer(25.0, to_temporary=False, key="rec-transfer"),
                lambda: holder.transfer(26.0, key="rec-transfer"),
            ],
        )
        self.assertBalances(self.alice, cash=75.0, temporary=25.0)
        holder.transfer(5.0, to_temporary=False)
        self.assertBalances(self.alice, cash=80.0, temporary=20.0)
        with self.assertRefused("Insufficient balance"):
            holder.transfer(20.01, to_temporary=False)

    # --------------------------------------------------------- issue, return
    def test_issue_card_and_return_it(self):
        card = self.as_operator(self.dora).issue_card(
            "0A0B0C20", deposit=20.0, topup=50.0, method=self.cash
        )
        self.assertEqual(card.env.user, self.operator)
        self.assertEqual((card.state, card.deposit), ("active", 20.0))
        self.assertBalances(self.dora, cash=50.0, deposit=20.0)
        self.assertLedgerInvariant()
        self.grant_subsidy(self.dora, 15.0)
        answer = card.return_card(self.cash)
        self.assertEqual(answer["kind"], "return")
        self.assertEqual(answer["amount"], 70.0, "balance and deposit paid out")
        self.assertEqual((card.state, card.deposit), ("returned", 0.0))
        # subsidy is the company's money: cleared, never paid out in cash
        self.assertBalances(self.dora, cash=0.0, deposit=0.0, subsidy=0.0)
        with self.assertRefused("not possible"):
            card.topup(10.0, self.cash)

    def test_replace(self):
        self.card.topup(20.0, self.cash)
        new = self.card.replace("0A0B0C21", number="N-0021")
        self.assertEqual((new.uid, new.number), ("0A0B0C21", "N-0021"))
        self.assertEqual(new.cardholder_id, self.alice)
        self.assertEqual(self.card.state, "lost")
        self.assertEqual(self.card.replaced_by_id, new)
        self.assertBalances(self.alice, cash=120.0, subsidy=50.0)
        with self.assertRefused("was replaced"):
            self.card.unlock()
        self.assertTrue(new.topup(5.0, self.cash)["approved"])
        self.assertBalances(self.alice, cash=125.0)

    # ------------------------------------------------ card states, no money
    def test_card_states(self):
        counts = self.counts()
        self.assertTrue(self.card.freeze("Holiday"))
        self.assertEqual(self.card.state, "frozen")
        self.assertEqual(self.history()[-1:].reason, "Holiday")
        with self.assertRefused("not possible"):
            self.card.freeze()
        self.assertTrue(self.card.unfreeze())
        self.assertTrue(self.card.report_lost())
        self.assertEqual(self.card.state, "lost")
        with self.assertRefused("not possible"):
            self.card.report_lost()
        self.assertTrue(self.card.unlock())
        self.assertEqual(self.card.state, "active")
        self.assertTrue(
            self.as_operator(self.alice_card | self.bob_card).action_report_lost()
        )
        self.assertEqual(
            (self.alice_card | self.bob_card).mapped("state"), ["lost"] * 2
        )
        self.assertEqual(self.counts(), counts, "a state change booked money")
        self.assertEqual(
            self.history().mapped("new_state"),
            ["active", "frozen", "active", "lost", "active", "lost"],
        )

    # ------------------------------------------------------------ correction
    def test_correct(self):
        sale = self.swipe(self.t_amount, self.alice_card, amount=10.0)
        self.assertTrue(sale["approved"])
        self.assertBalances(self.alice, subsidy=40.0, cash=100.0)
        operation = self.as_operator(self.env["onecard.operation"]).browse(
            sale["operation_id"]
        )
        with self.assertRefused("needs a reason"):
            operation.correct("")
        answer = operation.correct("charged twice")
        reversal = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(reversal.reversal_of_id, operation)
        self.assertEqual(operation.reversed_by_id, reversal)
        self.assertEqual(reversal.create_uid, self.operator)
        self.assertBalances(self.alice, subsidy=50.0, cash=100.0)
        with self.assertRefused("already corrected"):
            operation.correct("charged twice")

    # ---------------------------------------------------------------- access
    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_access_needs_the_operator_group(self):
        """A user without the group (a plain employee; a card accountant, who reads
        the ledger) is refused every operation with AccessError, nothing written."""
        sale = self.swipe(self.t_amount, self.bob_card, amount=10.0)
        for user in (self.clerk, self.accountant):
            card = self.alice_card.with_user(user)
            holder = self.dora.with_user(user)
            operation = self.env["onecard.operation"].with_user(user)
            operation = operation.browse(sale["operation_id"])
            calls = {
                "topup": lambda card=card: card.topup(10.0, self.cash, key="denied"),
                "refund": lambda card=card: card.refund(10.0, self.cash),
                "report_lost": lambda card=card: card.report_lost(),
                "action_report_lost": lambda card=card: card.action_report_lost(),
                "unlock": lambda card=card: card.unlock(),
                "freeze": lambda card=card: card.freeze(),
                "unfreeze": lambda card=card: card.unfreeze(),
                "replace": lambda card=card: card.replace("0A0B0C22"),
                "return_card": lambda card=card: card.return_card(self.cash),
                "issue_card": lambda holder=holder: holder.issue_card("0A0B0C23"),
                "transfer": lambda holder=holder: holder.transfer(5.0),
                "correct": lambda operation=operation: operation.correct("no"),
            }
            for name, call in calls.items():
                with self.subTest(user=user.login, operation=name):
                    with self.assertRefused(exception=AccessError):
                        call()
        self.assertBalances(self.alice, subsidy=50.0, cash=100.0)
