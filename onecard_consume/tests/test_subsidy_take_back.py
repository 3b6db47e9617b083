"""Subsidy batches: holders that cannot receive, cancelling, expiry, volume."""

import logging
import time
from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_money import DAY, utc
from .test_subsidy import SubsidyCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestSubsidyTakeBack(SubsidyCase):
    # ---------------------------------------------------------------- invalid holders
    def test_skip_invalid_holders(self):
        Holder = self.env["onecard.cardholder"]
        lost, frozen, returned, archived, cardless = Holder.create(
            [
                {"name": "Lost", "code": "U101"},
                {"name": "Frozen", "code": "U102"},
                {"name": "Returned", "code": "U103"},
                {"name": "Archived", "code": "U104"},
                {"name": "No card", "code": "U105"},
            ]
        )
        with self._at(DAY):
            ledger = self.ledger.with_user(self.operator)
            ledger.report_lost(ledger.issue_card(lost, "5D000101"))
            ledger.freeze(ledger.issue_card(frozen, "5D000102"))
            ledger.return_card(ledger.issue_card(returned, "5D000103"), self.cash)
            ledger.issue_card(archived, "5D000104")
        holders = self.eva | lost | frozen | returned | archived | cardless
        batch = self.batch(cardholder_ids=[Command.set(holders.ids)])
        batch.action_load_lines()
        self.assertEqual(len(batch.line_ids), 6)
        archived.active = False  # left after the lines were loaded
        batch.action_confirm()
        reasons = {
            line.cardholder_id: (line.state, line.reason) for line in batch.line_ids
        }
        self.assertEqual(
            reasons,
            {
                self.eva: ("granted", False),
                lost: ("skipped", "Card lost"),
                frozen: ("skipped", "Card frozen"),
                returned: ("skipped", "Card returned or expired"),
                archived: ("skipped", "Cardholder archived"),
                cardless: ("skipped", "No card"),
            },
        )
        self.assertEqual(
            (batch.skipped_count, batch.total_amount, batch.granted_amount),
            (5, 30.0, 30.0),
        )
        for holder in lost | frozen | returned | archived | cardless:
            self.assertEqual(self.subsidy(holder), 0.0, holder.name)
        self.assertEqual(self.subsidy(self.eva), 30.0)

    # ---------------------------------------------------------------- taking back
    def test_cancel_takes_back_only_unspent(self):
        batch = self.batch(
            cardholder_ids=[Command.set((self.eva | self.fay | self.gus).ids)]
        )
        batch.action_load_lines()
        batch.action_confirm()
        self.swipe(
            self.t_north, self.cards[self.eva], 12.0, utc(DAY, 12)
        )  # Eva: 18 left
        self.swipe(
            self.t_north, self.cards[self.fay], 45.0, utc(DAY, 12, 1)
        )  # Fay: all 30 + 15 cash
        batch.action_cancel()
        self.assertEqual(batch.state, "cancel")
        self.assertEqual(set(batch.line_ids.mapped("state")), {"cancelled"})
        self.assertEqual(
            (self.subsidy(self.eva), self.subsidy(self.fay), self.subsidy(self.gus)),
            (0.0, 0.0, 0.0),
        )
        taken = {
            row.cardholder_id: row.amount
            for row in self.env["onecard.transaction"].search(
                [
                    ("kind", "=", "subsidy_clear"),
                    ("cardholder_id", "in", (self.eva | self.fay | self.gus).ids),
                ]
            )
        }
        self.assertEqual(
            taken, {self.eva: -18.0, self.gus: -30.0}, "spent money is never taken back"
        )
        self.assertEqual(
            (self.balances(self.eva)["cash"], self.balances(self.fay)["cash"]),
            (50.0, 35.0),
        )
        with self.assertRaises(UserError):
            batch.action_cancel()

    def test_cancel_keeps_other_batches(self):
        """Subsidy is spent oldest grant first: cancelling a batch takes back what is
        left of its own grant, never the money of another batch."""

        def grant(amount, mode="accumulate"):
            batch = self.batch(
                cardholder_ids=[Command.set((self.eva | self.fay).ids)],
                amount=amount,
                mode=mode,
            )
            batch.action_load_lines()
            batch.action_confirm()
            return batch

        first, second = grant(30.0), grant(20.0)
        self.swipe(
            self.t_north, self.cards[self.eva], 35.0, utc(DAY, 12)
        )  # Eva: first spent, 15 of second left
        first.action_cancel()
        self.assertEqual(
            self.subsidy(self.eva),
            15.0,
            "the first grant was spent: nothing to take back",
        )
        self.assertEqual(self.subsidy(self.fay), 20.0, "Fay keeps the second grant")
        second.action_cancel()
        self.assertEqual((self.subsidy(self.eva), self.subsidy(self.fay)), (0.0, 0.0))
        # a grant cleared by a reset batch is worth nothing any more
        third, reset = grant(10.0), grant(25.0, mode="reset")
        third.action_cancel()
        self.assertEqual((self.subsidy(self.eva), self.subsidy(self.fay)), (25.0, 25.0))
        reset.action_cancel()
        self.assertEqual((self.subsidy(self.eva), self.subsidy(self.fay)), (0.0, 0.0))

    def test_expiry_cron(self):
        batch = self.batch(
            cardholder_ids=[Command.set((self.eva | self.fay).ids)],
            expiry_date=DAY + timedelta(days=1),
        )
        keep = self.batch(
            cardholder_ids=[Command.set(self.gus.ids)],
            expiry_date=DAY + timedelta(days=5),
        )
        pending = self.batch(
            cardholder_ids=[Command.set(self.hal.ids)],
            distribution="collect",
            expiry_date=DAY + timedelta(days=1),
        )
        for each in batch | keep | pending:
            each.action_load_lines()
            each.action_confirm()
        self.swipe(self.t_north, self.cards[self.eva], 7.0, utc(DAY, 12))
        with self._at(DAY + timedelta(days=1), 12):
            self.env["onecard.subsidy.batch"]._cron_expire()
        self.assertFalse(batch.expired, "the expiry day itself is still usable")
        with self._at(DAY + timedelta(days=2), 12):
            self.env["onecard.subsidy.batch"]._cron_expire()
        self.assertTrue(batch.expired)
        self.assertEqual(set(batch.line_ids.mapped("state")), {"expired"})
        self.assertEqual(
            (self.subsidy(self.eva), self.subsidy(self.fay), self.subsidy(self.gus)),
            (0.0, 0.0, 30.0),
        )
        rows = self.env["onecard.transaction"].search([("kind", "=", "subsidy_expire")])
        self.assertEqual(sorted(rows.mapped("amount")), [-30.0, -23.0])
        self.assertFalse(keep.expired)
        self.assertEqual((pending.expired, pending.line_ids.state), (True, "expired"))
        self.swipe(
            self.t_north, self.cards[self.hal], 1.0, utc(DAY + timedelta(days=2), 12)
        )
        self.assertEqual(
            self.subsidy(self.hal), 0.0, "an expired pending line is not collected"
        )
        with self._at(DAY + timedelta(days=3), 12):
            self.env["onecard.subsidy.batch"]._cron_expire()
        self.assertEqual(
            len(
                self.env["onecard.transaction"].search(
                    [("kind", "=", "subsidy_expire")]
                )
            ),
            2,
        )

    # ---------------------------------------------------------------- volume
    def test_confirm_10000_lines(self):
        count = 10000
        category = self.env["onecard.cardholder.category"].create(
            {"name": "Subsidy bulk"}
        )
        started = time.perf_counter()
        holders = self.env["onecard.cardholder"].create(
            [
                {
                    "name": "Bulk %05d" % n,
                    "code": "B%05d" % n,
                    "category_id": category.id,
                }
                for n in range(count)
            ]
        )
        # cards straight in SQL: issuing 10,000 cards is not what this test measures
        self.env.flush_all()
        self.env.cr.execute(
            """
            INSERT INTO onecard_card (number, uid, kind, state, cardholder_id,
            company_id, deposit,
                                      create_uid, create_date, write_uid, write_date)
            SELECT 'BULK' || h.id, upper(lpad(to_hex(h.id), 8, '0')) || 'EE',
            'official', 'active', h.id,
                   h.company_id, 0, 1, now(), 1, now()
              FROM onecard_cardholder h WHERE h.id = ANY(%s)
        """,
            [holders.ids],
        )
        prepared = time.perf_counter()
        batch = self.batch(category_ids=[Command.set(category.ids)], amount=15.0)
        batch.action_load_lines()
        loaded = time.perf_counter()
        batch.action_confirm()
        self.env.flush_all()
        confirmed = time.perf_counter()
        _logger.info(
            "10,000-line subsidy batch: holders %.1fs, load lines %.1fs, confirm %.1fs",
            prepared - started,
            loaded - prepared,
            confirmed - loaded,
        )
        cr = self.env.cr
        cr.execute(
            "SELECT state, count(*), sum(amount), sum(granted_amount) FROM "
            "onecard_subsidy_line "
            "WHERE batch_id = %s GROUP BY state",
            [batch.id],
        )
        self.assertEqual(
            [(s, c, float(a), float(g)) for s, c, a, g in cr.fetchall()],
            [("granted", count, 15.0 * count, 15.0 * count)],
        )
        cr.execute(
            """
            SELECT count(*), sum(t.amount), count(DISTINCT t.wallet_id), count(DISTINCT
            t.operation_id)
              FROM onecard_transaction t JOIN onecard_subsidy_line l ON l.cardholder_id
              = t.cardholder_id
             WHERE l.batch_id = %s AND t.kind = 'subsidy_grant'
        """,
            [batch.id],
        )
        rows, total, wallets, operations = cr.fetchone()
        self.assertEqual(
            (rows, float(total), wallets, operations),
            (count, 15.0 * count, count, count),
        )
        cr.execute(
            "SELECT count(*), sum(w.balance) FROM onecard_wallet w JOIN "
            "onecard_cardholder h "
            "ON h.id = w.cardholder_id WHERE w.kind = 'subsidy' AND h.category_id = %s",
            [category.id],
        )
        self.assertEqual(tuple(map(float, cr.fetchone())), (count, 15.0 * count))
        self.assertEqual(batch.state, "done")
