from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OnecardCase, local_to_utc


@tagged("post_install", "-at_install")
class TestIdempotency(OnecardCase):
    def tearDown(self):
        if getattr(self, "_undo_tamper", None):
            self._undo_tamper()
        self.assertLedgerInvariant()
        super().tearDown()

    def counts(self):
        self.env.cr.execute(
            "SELECT (SELECT count(*) FROM onecard_transaction), (SELECT count(*) "
            "FROM onecard_operation)"
        )
        return self.env.cr.fetchone()

    def assertReplayOf(self, first, again):
        self.assertTrue(again["replay"])
        self.assertFalse(first["replay"])
        self.assertEqual(again["operation_id"], first["operation_id"])
        for field in (
            "approved",
            "code",
            "amount",
            "subsidy_amount",
            "cash_amount",
            "balances",
        ):
            self.assertEqual(again[field], first[field], field)

    # ------------------------------------------------------------- replays
    def test_same_key_approved(self):
        first = self.swipe(
            self.t_amount, self.alice_card, amount=10.0, idempotency_key="k-approved"
        )
        self.assertTrue(first["approved"])
        counts = self.counts()
        self.assertReplayOf(
            first,
            self.swipe(
                self.t_amount,
                self.alice_card,
                amount=10.0,
                idempotency_key="k-approved",
            ),
        )
        # the same key with another amount or another time is another request: refused,
        # nothing booked
        for amount, at in ((99.0, None), (None, None), (10.0, local_to_utc(18, 0))):
            self.assertConflict(
                self.swipe(
                    self.t_amount,
                    self.alice_card,
                    amount=amount,
                    idempotency_key="k-approved",
                    at=at,
                )
            )
        self.assertEqual(self.counts(), counts)
        self.assertBalances(self.alice, subsidy=40.0, cash=100.0)

    def test_same_key_declined(self):
        first = self.swipe(
            self.t_amount, self.alice_card, amount=0.0, idempotency_key="k-declined"
        )
        self.assertDeclined(first, "invalid_amount")
        counts = self.counts()
        again = self.swipe(
            self.t_amount, self.alice_card, amount=0.0, idempotency_key="k-declined"
        )
        self.assertReplayOf(first, again)
        self.assertFalse(
            again["approved"], "a refused request stays refused when replayed"
        )
        self.assertConflict(
            self.swipe(
                self.t_amount, self.alice_card, amount=5.0, idempotency_key="k-declined"
            )
        )
        self.assertEqual(self.counts(), counts)
        self.assertBalances(self.alice, subsidy=50.0, cash=100.0)

    def test_same_terminal_sequence(self):
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=41)
        self.assertTrue(first["approved"])
        declined = self.swipe(self.t_fixed, "DEADBEEF", terminal_seq=42)
        self.assertDeclined(declined, "unknown_card")
        counts = self.counts()
        self.assertReplayOf(
            first, self.swipe(self.t_fixed, self.alice_card, terminal_seq=41)
        )
        self.assertReplayOf(
            declined, self.swipe(self.t_fixed, "DEADBEEF", terminal_seq=42)
        )
        self.assertConflict(
            self.swipe(self.t_fixed, self.alice_card, terminal_seq=42)
        )  # another card
        self.assertEqual(self.counts(), counts)
        # the same sequence on another terminal is another record
        other = self.swipe(self.t_key, self.alice_card, key=1, terminal_seq=41)
        self.assertTrue(other["approved"])
        self.assertFalse(other["replay"])
        self.assertNotEqual(other["operation_id"], first["operation_id"])
        self.assertBalances(self.alice, subsidy=50.0 - 8.0 - 5.0)

    def test_offline_upload_replayed(self):
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=7, offline=True)
        counts = self.counts()
        for _i in range(3):
            self.assertReplayOf(
                first,
                self.swipe(self.t_fixed, self.alice_card, terminal_seq=7, offline=True),
            )
        self.assertEqual(self.counts(), counts)

    def test_desk_key_replayed(self):
        first = self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-42")
        again = self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-42")
        self.assertEqual(again["operation_id"], first["operation_id"])
        self.assertTrue(again["replay"])
        self.assertBalances(self.alice, cash=125.0)

    # ---------------------------------------- reused sequence numbers and keys (issue
    # 14.9)
    def assertConflict(self, answer):
        """A reused sequence number or key with another request: refused, not booked,
        not a replay."""
        self.assertFalse(answer["approved"], answer)
        self.assertEqual(answer["code"], "sequence_conflict", answer)
        self.assertTrue(answer["message"])
        self.assertFalse(answer["replay"], answer)
        self.assertFalse(
            answer.get("operation_id"), "a conflicting request is not recorded"
        )
        self.assertEqual(answer["amount"], 0.0)

    def test_reused_sequence_with_other_request_is_refused(self):
        """A terminal whose counter restarted sends seq 51 again for another swipe: no
        free meal."""
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=51)
        self.assertTrue(first["approved"])
        amount = self.swipe(
            self.t_amount, self.alice_card, amount=10.0, terminal_seq=52
        )
        key = self.swipe(self.t_key, self.alice_card, key=1, terminal_seq=53)
        offline = self.swipe(
            self.t_fixed,
            self.alice_card,
            terminal_seq=54,
            offline=True,
            at=local_to_utc(12, 30),
        )
        counts, balances = (
            self.counts(),
            (self.balances(self.alice), self.balances(self.bob)),
        )
        conflicts = [
            self.swipe(self.t_fixed, self.bob_card, terminal_seq=51),  # another card
            self.swipe(
                self.t_fixed, self.alice_card, terminal_seq=51, at=local_to_utc(12, 40)
            ),  # another time
            self.swipe(
                self.t_fixed, self.alice_card, terminal_seq=51, offline=True
            ),  # now an offline record
            self.swipe(
                self.t_fixed, self.alice_card, terminal_seq=51, idempotency_key="other"
            ),  # another key
            self.swipe(
                self.t_amount, self.alice_card, amount=11.0, terminal_seq=52
            ),  # another amount
            self.swipe(
                self.t_key, self.alice_card, key=2, terminal_seq=53
            ),  # another key of the keypad
            self.swipe(
                self.t_fixed,
                self.bob_card,
                terminal_seq=54,
                offline=True,
                at=local_to_utc(12, 30),
            ),
        ]
        for answer in conflicts:
            self.assertConflict(answer)
        # within one batch too: the first of the batch is booked, the second refused
        batch = self.consumption.swipe_many(
            [
                dict(
                    terminal_id=self.t_fixed.id,
                    uid=self.bob_card.uid,
                    terminal_seq=60,
                    business_time=local_to_utc(12, 0),
                ),
                dict(
                    terminal_id=self.t_fixed.id,
                    uid=self.alice_card.uid,
                    terminal_seq=60,
                    business_time=local_to_utc(12, 0),
                ),
            ]
        )
        self.assertTrue(batch[0]["approved"], batch)
        self.assertConflict(batch[1])
        self.assertEqual(
            self.counts(),
            (counts[0] + 1, counts[1] + 1),
            "only the batch's first swipe is booked",
        )
        self.assertEqual(self.balances(self.alice), balances[0])
        self.assertBalances(self.bob, cash=balances[1]["cash"] - 6.4)  # 8.0 less 20 %
        # the identical requests are still replays of their first answer
        self.assertReplayOf(
            first, self.swipe(self.t_fixed, self.alice_card, terminal_seq=51)
        )
        self.assertReplayOf(
            amount,
            self.swipe(self.t_amount, self.alice_card, amount=10.0, terminal_seq=52),
        )
        self.assertReplayOf(
            key, self.swipe(self.t_key, self.alice_card, key=1, terminal_seq=53)
        )
        self.assertReplayOf(
            offline,
            self.swipe(
                self.t_fixed,
                self.alice_card,
                terminal_seq=54,
                offline=True,
                at=local_to_utc(12, 30),
            ),
        )

    def test_new_sequence_epoch(self):
        """After a legitimate counter reset the terminal numbers its records in a new
        epoch."""
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=1)
        counts = self.counts()
        again = self.swipe(
            self.t_fixed, self.bob_card, terminal_seq=1, terminal_epoch=1
        )
        self.assertTrue(again["approved"], again)
        self.assertFalse(again["replay"])
        self.assertEqual(self.counts(), (counts[0] + 1, counts[1] + 1))
        # records of the old epoch keep their identity
        self.assertReplayOf(
            first,
            self.swipe(self.t_fixed, self.alice_card, terminal_seq=1, terminal_epoch=0),
        )
        self.assertConflict(
            self.swipe(self.t_fixed, self.bob_card, terminal_seq=1, terminal_epoch=0)
        )

    def test_desk_key_reused_with_other_request(self):
        """Like Stripe: an idempotency key reused with other parameters is an error,
        nothing booked."""
        first = self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-43")
        counts = self.counts()
        for call in (
            lambda: self.ledger.topup(
                self.alice_card, 30.0, self.wechat, key="desk-43"
            ),
            lambda: self.ledger.topup(self.bob_card, 25.0, self.wechat, key="desk-43"),
            lambda: self.ledger.topup(self.alice_card, 25.0, self.cash, key="desk-43"),
            lambda: self.ledger.refund(
                self.alice_card, 25.0, self.wechat, key="desk-43"
            ),
        ):
            with self.assertRaisesRegex(UserError, "already used"):
                call()
        self.assertEqual(self.counts(), counts)
        self.assertBalances(self.alice, cash=125.0)
        self.assertBalances(self.bob, cash=100.0)
        self.assertEqual(
            self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-43")[
                "operation_id"
            ],
            first["operation_id"],
        )

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
