"""Settlements beside committed bookings (issue 20.3): a ledger row committed after a
settlement that saw a younger row, and a wallet swiped while a settlement runs.

Ledger ids come from a sequence, so a row booked by a transaction still open while
a settlement runs can carry a smaller id than rows that settlement saw and claimed.
The mark must not pass over it: the settlement only proposes its mark, and the next
one takes its rows from below it, finds the row and books it as late.

Real connections: the data is committed by this class (its own cursors) and deleted
again at class teardown, as test_payroll_concurrency.py does. Dated in 2000, so the
settlements of the main company take no other row.
"""

import uuid
from datetime import date, datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .common_committed import delete_committed_operations, delete_committed_settlements

CONTEXT = {"tracking_disable": True, "mail_create_nolog": True}
D1, D2, D3 = date(2000, 1, 10), date(2000, 1, 11), date(2000, 1, 12)
NOON_D1 = datetime(2000, 1, 10, 4, 0)  # noon in Asia/Shanghai, morning in UTC
NOON_D3, NOON_D4 = datetime(2000, 1, 12, 4, 0), datetime(2000, 1, 13, 4, 0)


@tagged("post_install", "-at_install")
class TestSettlementRace(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = uuid.uuid4().hex[:8].upper()
        cls.created = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            company = env.company
            company._onecard_ensure_accounting()
            holders = env["onecard.cardholder"].create(
                [
                    {
                        "name": f"Race {n}",
                        "code": f"SR{tag}{n}",
                        "company_id": company.id,
                    }
                    for n in range(3)
                ]
            )
            cr.execute(
                "SELECT safe_id, pending_id, pending_xmax FROM onecard_settlement_mark "
                "WHERE company_id = %s",
                [company.id],
            )
            cls.created = {
                "company": company.id,
                "holders": holders.ids,
                "wallets": holders.wallet_ids.ids,
                "cash": [h._wallet("cash").id for h in holders],
                "mark": cr.fetchone(),
            }
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: the other connections must see it)
        cls.addClassCleanup(cls._delete_committed_data)

    @classmethod
    def _delete_committed_data(cls):
        ids = cls.created
        if not ids:
            return
        with cls.registry.cursor() as cr:
            cr.execute(
                "SELECT id, move_id FROM onecard_settlement WHERE company_id = %s AND "
                "date_from < '2001-01-01'",
                [ids["company"]],
            )
            delete_committed_settlements(cr, cr.fetchall())
            for holder in ids["holders"]:
                delete_committed_operations(
                    cr, {"holder": holder, "wallets": ids["wallets"]}
                )
            cr.execute(
                "DELETE FROM onecard_wallet WHERE id = ANY(%s)", [ids["wallets"]]
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'onecard.cardholder' AND "
                "res_id = ANY(%s)",
                [ids["holders"]],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'onecard.cardholder' AND "
                "res_id = ANY(%s)",
                [ids["holders"]],
            )
            cr.execute(
                "DELETE FROM onecard_cardholder WHERE id = ANY(%s)", [ids["holders"]]
            )
            if ids["mark"]:
                cr.execute(
                    "UPDATE onecard_settlement_mark SET safe_id = %s, pending_id = %s, "
                    "pending_xmax = %s WHERE company_id = %s",
                    [*ids["mark"], ids["company"]],
                )
            else:
                cr.execute(
                    "DELETE FROM onecard_settlement_mark WHERE company_id = %s",
                    [ids["company"]],
                )
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: removes the committed data)

    def _env(self, cr):
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, CONTEXT)

    def _book(self, env, n, when=NOON_D1):
        """One consumption of 1.00 from holder n's cash wallet (at noon on D1)."""
        key = f"race-{uuid.uuid4().hex}"
        company = env["res.company"].browse(self.created["company"])
        env["onecard.ledger"]._book_many(
            "consume",
            company,
            [
                {
                    "cardholder_id": self.created["holders"][n],
                    "key": key,
                    "lines": [(self.created["cash"][n], -1.0)],
                }
            ],
            business_time=when,
        )
        env.cr.execute(
            "SELECT t.id FROM onecard_transaction t JOIN onecard_operation o ON "
            "o.id = t.operation_id WHERE o.idempotency_key = %s",
            [key],
        )
        return env.cr.fetchone()[0]

    def _settle(self, day):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env["res.company"].browse(self.created["company"])
            settlement = env["onecard.settlement"].settle(company, "day", day)
            result = (
                settlement.id,
                settlement.transaction_count,
                settlement.late_count,
            )
            cr.commit()  # pylint: disable=invalid-commit  (a real settlement run)
        return result

    def _holder_of(self, row_id):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT settlement_id FROM onecard_transaction_settled WHERE id = %s",
                [row_id],
            )
            held = cr.fetchone()
            cr.execute(
                """SELECT count(*) FROM onecard_transaction t, onecard_settlement_mark m
                    WHERE m.company_id = t.company_id AND t.company_id = %s
                      AND t.id <= m.safe_id AND NOT EXISTS (SELECT 1 FROM
                          onecard_transaction_settled c WHERE c.id = t.id)""",
                [self.created["company"]],
            )
            below_mark = cr.fetchone()[0]
        self.assertEqual(below_mark, 0, "an unsettled row below the mark")
        return held and held[0]

    def test_row_committed_after_the_settlement_is_not_lost(self):
        with self.registry.cursor() as cr_open:
            slow = self._book(self._env(cr_open), 0)  # booked, not committed yet
            with self.registry.cursor() as cr:
                quick = self._book(self._env(cr), 1)
                cr.commit()  # pylint: disable=invalid-commit  (a younger row, visible)
            self.assertLess(slow, quick, "the open transaction holds the older id")
            first, count, late = self._settle(D1)
            self.assertEqual((count, late), (1, 0))
            self.assertEqual(self._holder_of(quick), first)
            self.assertFalse(self._holder_of(slow), "invisible to the settlement")
            cr_open.commit()  # pylint: disable=invalid-commit  (the slow booking lands)
        self.assertFalse(self._holder_of(slow))
        second, count, late = self._settle(D2)
        self.assertEqual(self._holder_of(slow), second, "found below the proposal")
        self.assertEqual((count, late), (1, 1), "and booked as late")
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT safe_id, pending_id FROM onecard_settlement_mark WHERE "
                "company_id = %s",
                [self.created["company"]],
            )
            safe, pending = cr.fetchone()
        self.assertGreaterEqual(pending, quick, "the next proposal covers both rows")
        self.assertLessEqual(safe, pending)

    def test_wallet_swiped_during_the_settlement(self):
        """The settlement's snapshot is older than a swipe on a wallet it settles:
        writing that wallet's settled split and debt trail must not lock the wallet
        row (under REPEATABLE READ that fails with a serialization error)."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            # a debtor with its partner: a holder without one gets it at its first
            # debt settlement, a write on the holder row that a swipe can meet (not
            # what this test is about: the wallet)
            env["onecard.cardholder"].browse(
                self.created["holders"][2]
            ).partner_id = env["res.partner"].create({"name": "Race debtor"})
            row = self._book(env, 2, NOON_D3)  # holder 2 owes 1.00
            cr.commit()  # pylint: disable=invalid-commit  (committed before the run)
        cash = self.created["cash"][2]
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cr.execute("SELECT 1")  # the settlement's snapshot is taken here
            with self.registry.cursor() as cr_swipe:
                self._book(self._env(cr_swipe), 2, NOON_D4)  # the same wallet
                cr_swipe.commit()  # pylint: disable=invalid-commit  (a swipe lands)
            company = env["res.company"].browse(self.created["company"])
            settlement = env["onecard.settlement"].settle(company, "day", D3)
            self.assertEqual(settlement.move_id.state, "posted")
            debt = settlement.debt_ids.filtered(lambda d: d.wallet_id.id == cash)
            self.assertEqual((debt.debt_before, debt.amount), (0.0, 1.0))
            self.assertEqual(debt.cardholder_id.id, self.created["holders"][2])
            settlement_id = settlement.id
            cr.commit()  # pylint: disable=invalid-commit  (a real settlement run)
        self.assertEqual(self._holder_of(row), settlement_id)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT w.balance, (SELECT sum(amount) FROM onecard_transaction "
                "WHERE wallet_id = w.id), s.balance, s.debt FROM onecard_wallet w "
                "JOIN onecard_wallet_settled s ON s.wallet_id = w.id WHERE w.id = %s",
                [cash],
            )
            balance, ledger, settled, owed = cr.fetchone()
        self.assertEqual(balance, ledger, "wallet = sum of its ledger")
        self.assertEqual((float(settled), float(owed)), (-1.0, 1.0), "the D3 row only")
