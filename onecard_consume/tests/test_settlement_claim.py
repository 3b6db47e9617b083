"""Settlement claims (issue 20.3): rows held in onecard_transaction_settled above
the company's mark. Late rows, rows dated after the period, reversal and
re-settlement, a month after days, idempotency, and settlement_id read, searched
and grouped as if it were a column.

One test transaction never sees its own older transactions end, so the mark
would never move here; ``adopt`` stands in for that moment (every transaction
open at the last settlement has ended) by dating the proposal's snapshot far
back. test_settlement_race.py shows the real moment with committed cursors.
"""

from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..models import onecard_settlement_claim
from .common_money import DAY, CardMoneyCase, utc

D2, D3, D4 = (DAY + timedelta(days=n) for n in (1, 2, 3))


@tagged("post_install", "-at_install")
class TestSettlementClaim(CardMoneyCase):
    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    # ------------------------------------------------------------ helpers
    def adopt(self):
        self.env.cr.execute(
            "UPDATE onecard_settlement_mark SET pending_xmax = '1' WHERE company_id = "
            "%s",
            [self.company.id],
        )

    def mark(self):
        self.env.cr.execute(
            "SELECT safe_id FROM onecard_settlement_mark WHERE company_id = %s",
            [self.company.id],
        )
        return self.env.cr.fetchone()[0]

    def held(self, settlement):
        """The raw claim: (count, sum) of the rows the settlement holds."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT count(*), COALESCE(sum(t.amount), 0) FROM onecard_transaction t
                 JOIN onecard_transaction_settled c ON c.id = t.id
                WHERE c.settlement_id = %s""",
            [settlement.id],
        )
        count, amount = self.env.cr.fetchone()
        return count, float(amount)

    def rows_of(self, answer):
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        return operation.transaction_ids

    def assertBooksMatch(self, *settlements):
        for settlement in settlements:
            self.assertPostedBalanced(settlement)
            count, amount = self.held(settlement)
            self.assertEqual(count, settlement.transaction_count)
            self.assertAlmostEqual(
                amount, sum(settlement.line_ids.mapped("amount")), places=2
            )
        self.assertGLMatchesWallets()

    # ------------------------------------------------------------ tests
    def test_row_dated_after_the_period_booked_before_the_run(self):
        self._day1()
        early = self.swipe(self.t_north, self.cai_card, 2.0, utc(D2, 9))
        after = self.swipe(self.t_north, self.ann_card, 1.0, utc(DAY, 13))
        with self.on(DAY, 1):
            self.assertFalse(self.settle(DAY - timedelta(days=1)).transaction_count)
        self.adopt()  # the empty day proposed the mark: all rows were booked then
        with self.on(D2, 1):
            s1 = self.settle(DAY)
        self.assertFalse(self.rows_of(early).settlement_id, "dated after the period")
        self.assertEqual(self.rows_of(after).settlement_id, s1)
        self.assertEqual(
            self.mark(),
            min(self.rows_of(early).ids) - 1,
            "the mark stops below the unsettled row",
        )
        with self.on(D3, 1):
            s2 = self.settle(D2)
        self.assertEqual(self.rows_of(early).settlement_id, s2)
        self.assertEqual(s2.late_count, 0, "booked early, settled in its own period")
        self.assertNothingUnsettled()
        self.assertBooksMatch(s1, s2)

    def test_mark_searched_slice_by_slice(self):
        """The first unsettled row is searched for in slices of ids that double
        (one id first, here): the mark still stops right below it."""
        with patch.object(onecard_settlement_claim, "FIRST_SLICE", 1):
            self.test_row_dated_after_the_period_booked_before_the_run()

    def test_late_row_below_nothing_lands_in_the_next_settlement(self):
        self._day1()
        with self.on(D2, 1):
            s1 = self.settle(DAY)
        self.swipe(self.t_north, self.ben_card, 6.0, utc(D2, 12))
        self.adopt()
        with self.on(D3, 1):
            s2 = self.settle(D2)
        self.adopt()
        with self.on(D3, 2):
            self.settle(D3 + timedelta(days=5))
        mark = self.mark()
        self.env.cr.execute("SELECT max(id) FROM onecard_transaction")
        self.assertEqual(mark, self.env.cr.fetchone()[0], "everything settled so far")
        # an offline record of day 1 uploaded on day 3: above the mark, so found
        late = self.swipe(
            self.t_south,
            self.dan_card,
            8.0,
            utc(DAY, 19),
            offline=True,
            terminal_seq=2,
        )
        self.assertGreater(min(self.rows_of(late).ids), mark)
        before = self.held(s1)
        with self.on(D4, 1):
            s3 = self.settle(D3)
        self.assertEqual(self.rows_of(late).settlement_id, s3)
        self.assertEqual(s3.late_count, len(self.rows_of(late)))
        self.assertEqual(self.held(s1), before, "a settled day stays as posted")
        self.assertNothingUnsettled()
        self.assertBooksMatch(s1, s2, s3)

    def test_reversal_gives_rows_back_below_the_mark(self):
        self._day1()
        with self.on(D2, 1):
            s1 = self.settle(DAY)
        d1_rows = self.env["onecard.transaction"].search(
            [("settlement_id", "=", s1.id)]
        )
        self.swipe(self.t_north, self.ben_card, 6.0, utc(D2, 12))
        self.adopt()
        with self.on(D3, 1):
            s2 = self.settle(D2)
        self.adopt()
        with self.on(D3, 2):
            self.settle(D3 + timedelta(days=5))
        self.assertGreaterEqual(self.mark(), max(d1_rows.ids))
        with self.on(D3, 3):
            s1.with_user(self.accountant).action_reverse()
        self.assertEqual(s1.state, "reversed")
        self.assertFalse(d1_rows.settlement_id)
        self.assertEqual(self.held(s1), (0, 0.0))
        self.assertLess(self.mark(), min(d1_rows.ids), "the mark went back below them")
        self.assertEqual(
            self.env["onecard.transaction"].search(
                [("settlement_id", "=", False), ("company_id", "=", self.company.id)]
            ),
            d1_rows,
        )
        with self.on(D3, 4):
            s1b = self.settle(DAY)
        self.assertNotEqual(s1b, s1)
        self.assertEqual(d1_rows.settlement_id, s1b)
        self.assertEqual(s1b.transaction_count, len(d1_rows))
        self.assertNothingUnsettled()
        self.assertBooksMatch(s1b, s2)

    def test_month_after_days_and_idempotency(self):
        self._day1()
        with self.on(D2, 1):
            s1 = self.settle(DAY)
        self.swipe(self.t_north, self.ben_card, 6.0, utc(D2, 12))
        self.adopt()
        with self.on(D3, 1):
            s2 = self.settle(D2)
        self.env.cr.execute("SELECT count(*) FROM onecard_transaction_settled")
        claims = self.env.cr.fetchone()[0]
        with self.on(D3, 2):
            self.assertEqual(self.settle(D2), s2, "settling again returns it")
        self.env.cr.execute("SELECT count(*) FROM onecard_transaction_settled")
        self.assertEqual(self.env.cr.fetchone()[0], claims, "and claims nothing")
        late = self.swipe(
            self.t_south, self.dan_card, 8.0, utc(D2, 19), offline=True, terminal_seq=2
        )
        self.swipe(self.t_north, self.cai_card, 3.0, utc(D3, 12))
        self.adopt()
        with self.on(DAY.replace(day=1) + timedelta(days=31), 9):
            month = self.settle(DAY, "month")
        self.assertEqual(self.rows_of(late).settlement_id, month)
        self.assertEqual(month.late_count, len(self.rows_of(late)))
        self.assertEqual(month.transaction_count, len(self.rows_of(late)) + 1)
        self.assertEqual(self.settle(D3, "month"), month)
        self.assertNothingUnsettled()
        self.assertBooksMatch(s1, s2, month)

    def test_settlement_id_searched_and_grouped_like_a_column(self):
        self._day1()
        with self.on(D2, 1):
            s1 = self.settle(DAY)
        open_row = self.swipe(self.t_north, self.ben_card, 6.0, utc(D2, 12))
        Transaction = self.env["onecard.transaction"]
        mine = [("company_id", "=", self.company.id)]
        every = Transaction.search(mine)
        held = Transaction.search([*mine, ("settlement_id", "=", s1.id)])
        unsettled = Transaction.search([*mine, ("settlement_id", "=", False)])
        self.assertEqual(unsettled, self.rows_of(open_row))
        self.assertEqual(held | unsettled, every)
        self.assertFalse(held & unsettled)
        self.assertEqual(
            Transaction.search([*mine, ("settlement_id", "!=", False)]), held
        )
        self.assertEqual(
            Transaction.search([*mine, ("settlement_id", "!=", s1.id)]), unsettled
        )
        self.assertEqual(
            Transaction.search([*mine, ("settlement_id", "in", [s1.id, False])]), every
        )
        self.assertEqual(
            Transaction.search([*mine, ("settlement_id", "not in", [s1.id])]), unsettled
        )
        self.assertEqual(
            Transaction.search([*mine, ("settlement_id", "ilike", s1.name)]), held
        )
        groups = {
            settlement: (count, amount)
            for settlement, count, amount in Transaction._read_group(
                mine, ["settlement_id"], ["__count", "amount:sum"]
            )
        }
        self.assertEqual(set(groups), {s1, self.env["onecard.settlement"]})
        self.assertEqual(groups[s1], (len(held), sum(held.mapped("amount"))))
        self.assertEqual(groups[s1][0], s1.transaction_count)
        self.assertTrue(
            Transaction.fields_get(["settlement_id"])["settlement_id"]["groupable"]
        )
        self.assertEqual(held.mapped("settlement_id"), s1)
