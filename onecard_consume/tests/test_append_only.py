"""The ledger is append-only and hash-chained: writes refused, tampering found."""

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import local_to_utc
from .test_idempotency import IdempotencyCase


@tagged("post_install", "-at_install")
class TestAppendOnly(IdempotencyCase):
    # ------------------------------------------------ append-only records
    def test_ledger_rows_are_append_only(self):
        answer = self.swipe(self.t_amount, self.alice_card, amount=10.0)
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        row = operation.transaction_ids[:1]
        counts = self.counts()
        for env in (self.env, self.env(su=True)):
            rows, ops = env["onecard.transaction"], env["onecard.operation"]
            with self.assertRaises(UserError):
                rows.browse(row.id).write({"amount": 1000.0})
            with self.assertRaises(UserError):
                rows.browse(row.id).write({"offline": True})
            with self.assertRaises(UserError):
                rows.browse(row.id).unlink()
            with self.assertRaises(UserError):
                rows.create(
                    {
                        "operation_id": operation.id,
                        "kind": "topup",
                        "wallet_id": row.wallet_id.id,
                        "wallet_kind": "cash",
                        "cardholder_id": self.alice.id,
                        "company_id": self.company.id,
                        "amount": 1000.0,
                        "business_time": local_to_utc(12, 0),
                    }
                )
            with self.assertRaises(UserError):
                ops.browse(operation.id).write({"amount": 0.0})
            with self.assertRaises(UserError):
                ops.browse(operation.id).write({"state": "declined"})
            with self.assertRaises(UserError):
                ops.browse(operation.id).unlink()
            with self.assertRaises(UserError):
                ops.create(
                    {
                        "kind": "topup",
                        "state": "approved",
                        "company_id": self.company.id,
                        "amount": 5.0,
                    }
                )
        self.assertEqual(self.counts(), counts)
        self.assertEqual(row.amount, -10.0)

    def test_history_blocks_deleting_what_it_names(self):
        """A terminal, card or meal period the ledger names cannot be deleted (archive
        it instead): with ON DELETE SET NULL PostgreSQL itself would have rewritten the
        append-only rows."""
        answer = self.swipe(
            self.t_amount, self.alice_card, amount=10.0, at=local_to_utc(12, 0)
        )
        row = (
            self.env["onecard.operation"]
            .browse(answer["operation_id"])
            .transaction_ids[:1]
        )
        named = (
            row.terminal_id,
            row.card_id,
            row.meal_period_id,
            row.operation_id.terminal_id,
        )
        self.assertTrue(all(named), named)
        for record in named[:3]:
            with (
                self.assertRaises(IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                record.unlink()
        self.env.invalidate_all()
        self.assertEqual(
            (
                row.terminal_id,
                row.card_id,
                row.meal_period_id,
                row.operation_id.terminal_id,
            ),
            named,
        )

    def test_operator_cannot_touch_ledger(self):
        answer = self.ledger.topup(self.alice_card, 5.0, self.cash)
        operation = (
            self.env["onecard.operation"]
            .browse(answer["operation_id"])
            .with_user(self.operator)
        )
        self.assertEqual(operation.amount, 5.0, "operators read the ledger")
        with self.assertRaises(UserError):  # AccessError is a UserError
            operation.transaction_ids.write({"amount": 5000.0})
        with self.assertRaises(UserError):  # AccessError is a UserError
            operation.unlink()
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.alice._wallet("cash").with_user(self.operator).write({"balance": 1e6})
        self.assertBalances(self.alice, cash=105.0)

    def test_wallet_balance_not_writable(self):
        wallet = self.alice._wallet("cash")
        for env in (self.env, self.env(su=True)):
            for vals in (
                {"balance": 1e6},
                {"chain_head": "0" * 64},
                {"kind": "subsidy"},
            ):
                with self.assertRaises(UserError):
                    env["onecard.wallet"].browse(wallet.id).write(vals)
            with self.assertRaises(UserError):
                env["onecard.wallet"].browse(wallet.id).unlink()
        self.assertBalances(self.alice, cash=100.0)

    def test_card_uid_not_writable(self):
        with self.assertRaises(UserError):
            self.alice_card.write({"uid": "0E0E0E0E"})
        self.assertEqual(self.alice_card.uid, "04A1B2C3")

    # ----------------------------------------------------------- hash chain
    def _busy_wallet(self):
        self.swipe(self.t_amount, self.alice_card, amount=10.0)
        self.ledger.topup(self.alice_card, 20.0, self.bank)
        self.swipe(
            self.t_amount,
            self.alice_card,
            amount=55.0,
            at=local_to_utc(18, 0),
            offline=True,
        )
        self.ledger.refund(self.alice_card, 5.0, self.cash)
        wallet = self.alice._wallet("cash")
        self.env.cr.execute(
            "SELECT id FROM onecard_transaction WHERE wallet_id = %s ORDER BY id",
            [wallet.id],
        )
        return wallet, [r[0] for r in self.env.cr.fetchall()]

    def test_chain_clean(self):
        wallet, rows = self._busy_wallet()
        self.assertGreaterEqual(len(rows), 4)
        self.assertEqual(self.env["onecard.wallet"].search([])._verify_chain(), [])
        self.assertEqual(wallet.action_verify_chain()["params"]["type"], "success")

    def tamper(self, query, params):
        """Run a tampering statement in a savepoint; return a callable that undoes
        it."""
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT onecard_tamper")
        self.env.cr.execute(query, params)
        self.env.invalidate_all()

        def undo():
            self.env.cr.execute("ROLLBACK TO SAVEPOINT onecard_tamper")
            self.env.invalidate_all()

        self._undo_tamper = undo  # tearDown undoes it before checking the invariant
        return undo

    def test_chain_pinpoints_amount_tamper(self):
        wallet, rows = self._busy_wallet()
        target = rows[2]
        self.tamper(
            "UPDATE onecard_transaction SET amount = amount + 1 WHERE id = %s", [target]
        )
        problems = self.env["onecard.wallet"].search([])._verify_chain()
        self.assertEqual(problems, [{"wallet_id": wallet.id, "transaction_id": target}])
        self.assertEqual(wallet.action_verify_chain()["params"]["type"], "danger")

    def test_chain_pinpoints_balance_after_tamper(self):
        wallet, rows = self._busy_wallet()
        target = rows[1]
        self.tamper(
            "UPDATE onecard_transaction SET balance_after = balance_after + 100 "
            "WHERE id = %s",
            [target],
        )
        self.assertEqual(
            self.env["onecard.wallet"].search([])._verify_chain(),
            [{"wallet_id": wallet.id, "transaction_id": target}],
        )

    def test_chain_pinpoints_consistent_tamper(self):
        """Amount, balance_after and wallet balance changed together (sums agree): the
        hash still tells."""
        wallet, rows = self._busy_wallet()
        target = rows[-1]
        self.tamper(
            """UPDATE onecard_transaction SET amount = amount + 1, balance_after =
                balance_after + 1
                        WHERE id = %s;
                       UPDATE onecard_wallet SET balance = balance + 1 WHERE id = %s""",
            [target, wallet.id],
        )
        self.assertEqual(
            wallet._verify_chain(), [{"wallet_id": wallet.id, "transaction_id": target}]
        )

    def test_chain_detects_balance_tamper(self):
        wallet, _rows = self._busy_wallet()
        self.tamper(
            "UPDATE onecard_wallet SET balance = balance + 1 WHERE id = %s", [wallet.id]
        )
        self.assertEqual(
            wallet._verify_chain(), [{"wallet_id": wallet.id, "transaction_id": False}]
        )

    def test_chain_detects_deleted_row(self):
        wallet, rows = self._busy_wallet()
        self.tamper("DELETE FROM onecard_transaction WHERE id = %s", [rows[1]])
        self.assertEqual(
            wallet._verify_chain(),
            [{"wallet_id": wallet.id, "transaction_id": rows[2]}],
            "the first row after a deleted one is reported",
        )
