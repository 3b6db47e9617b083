"""Two users confirm the same payroll deduction list at the same moment, on two
real connections: the list's row lock lets one book, the other (retried as
Odoo's RPC layer retries a serialization failure) finds it confirmed.

The data is committed by this class and deleted again at class teardown (as
test_concurrency.py does).
"""

import threading
import uuid

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import GENESIS
from .common_committed import (
    delete_committed_holder,
    delete_committed_operations,
    delete_committed_settlements,
)

CONTEXT = {"tracking_disable": True, "mail_create_nolog": True}


@tagged("post_install", "-at_install")
class TestPayrollConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = uuid.uuid4().hex[:8].upper()
        cls.created = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            company = env.company
            company._onecard_ensure_accounting()
            category = env["onecard.cardholder.category"].create(
                {"name": f"Payroll race {tag}", "credit_limit": 50.0}
            )
            canteen = env["onecard.canteen"].create(
                {"name": f"Payroll race {tag}", "code": f"PC{tag}"}
            )
            terminal = env["onecard.terminal"].create(
                {
                    "name": "Payroll race",
                    "code": f"PT{tag}",
                    "canteen_id": canteen.id,
                    "mode": "postpaid",
                }
            )
            holder = env["onecard.cardholder"].create(
                {
                    "name": "Racer",
                    "code": f"PR{tag}",
                    "company_id": company.id,
                    "category_id": category.id,
                }
            )
            card = env["onecard.ledger"].issue_card(holder, "D0" + tag[:6])
            answer = env["onecard.consumption"].swipe(terminal, card.uid, amount=20.0)
            assert answer["approved"], answer
            deduction = env["onecard.payroll.deduction"].create(
                {
                    "date": "2000-01-31",
                    "line_ids": [
                        (
                            0,
                            0,
                            {"cardholder_id": holder.id, "debt": 20.0, "amount": 20.0},
                        )
                    ],
                }
            )
            cls.created = {
                "category": category.id,
                "canteen": canteen.id,
                "terminal": terminal.id,
                "holder": holder.id,
                "card": card.id,
                "wallets": holder.wallet_ids.ids,
                "cash_wallet": holder._wallet("cash").id,
                "deduction": deduction.id,
            }
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: the racing users must see it)
        cls.addClassCleanup(cls._delete_committed_data)

    @classmethod
    def _delete_committed_data(cls):
        ids = cls.created
        if not ids:
            return
        with cls.registry.cursor() as cr:
            cr.execute(
                "SELECT id, move_id FROM onecard_settlement "
                "WHERE payroll_deduction_id = %s",
                [ids["deduction"]],
            )
            settlements = cr.fetchall()
            cr.execute(
                "UPDATE onecard_payroll_deduction_line SET operation_id = NULL "
                "WHERE deduction_id = %s",
                [ids["deduction"]],
            )
            delete_committed_operations(cr, ids)
            delete_committed_settlements(cr, settlements)
            cr.execute(
                "DELETE FROM onecard_payroll_deduction WHERE id = %s",
                [ids["deduction"]],
            )
            delete_committed_holder(
                cr,
                ids,
                (
                    ("onecard.payroll.deduction", [ids["deduction"]]),
                    ("onecard.settlement", [s for s, _m in settlements]),
                ),
            )
            cr.execute("DELETE FROM onecard_terminal WHERE id = %s", [ids["terminal"]])
            cr.execute("DELETE FROM onecard_canteen WHERE id = %s", [ids["canteen"]])
            cr.execute(
                "DELETE FROM onecard_cardholder_category WHERE id = %s",
                [ids["category"]],
            )
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: removes the committed data)

    def _env(self, cr):
        # as test_concurrency.py: set the transaction first (registry lock)
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, CONTEXT)

    def _confirm(self, barrier, results, index):
        retries = 0
        try:
            barrier.wait(timeout=60)
            for _attempt in range(10):  # Odoo's RPC layer retries a few times too
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    try:
                        env["onecard.payroll.deduction"].browse(
                            self.created["deduction"]
                        ).action_confirm()
                        cr.commit()  # pylint: disable=invalid-commit  (own cursor per user: the race under test)
                    except psycopg2.errors.SerializationFailure:
                        cr.rollback()
                        retries += 1
                        continue
                    results[index] = retries
                    return
            results[index] = RuntimeError("still failing after 10 attempts")
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            results[index] = error

    def test_two_users_confirm_at_once_book_once(self):
        barrier = threading.Barrier(2)
        results = [None, None]
        threads = [
            threading.Thread(target=self._confirm, args=(barrier, results, i))
            for i in range(2)
        ]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertTrue(all(isinstance(r, int) for r in results), results)
        ids = self.created
        with self.registry.cursor() as cr:
            env = self._env(cr)
            ops = env["onecard.operation"].search(
                [("cardholder_id", "=", ids["holder"]), ("kind", "=", "payroll")]
            )
            self.assertEqual(len(ops), 1, "the list was booked twice")
            self.assertEqual(ops.amount, 20.0)
            deduction = env["onecard.payroll.deduction"].browse(ids["deduction"])
            self.assertEqual(deduction.state, "confirmed")
            self.assertEqual(deduction.line_ids.operation_id, ops)
            settlements = env["onecard.settlement"].search(
                [("payroll_deduction_id", "=", deduction.id)]
            )
            self.assertEqual(len(settlements), 1)
            move = settlements.move_id
            self.assertEqual(move.state, "posted")
            # the debt was not settled yet: payroll clearing to the card cash
            # liability, once
            self.assertEqual(
                sorted(
                    (line.account_id.id, line.debit, line.credit)
                    for line in move.line_ids
                ),
                sorted(
                    [
                        (env.company.onecard_payroll_account_id.id, 20.0, 0.0),
                        (env.company.onecard_cash_account_id.id, 0.0, 20.0),
                    ]
                ),
            )
            wallet = env["onecard.wallet"].browse(ids["cash_wallet"])
            self.assertEqual(wallet.balance, 0.0)
            self.assertEqual(wallet._verify_chain(), [])
            self.assertNotEqual(wallet.chain_head, GENESIS)
