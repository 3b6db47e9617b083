"""The books across periods: late rows of settled days, reversed settlements, a manual
entry on a card liability (issue 14, items 7-8).
"""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common_money import utc
from .test_books import D1, D2, D3, BooksCase


@tagged("post_install", "-at_install")
class TestBooksPeriods(BooksCase):
    # ------------------------------------------------------------ item 7
    def test_month_settlement_flags_rows_of_settled_days(self):
        """A record of a day already settled is late in a month settlement too."""
        with self.on(D1):
            card = self.issue(self.cai, "5B100003", topup=100.0, method=self.cash)
        self.swipe(self.t_north, card, 5.0, utc(D1, 12))
        with self.on(D2, 1):
            day = self.settle(D1)
        self.assertEqual(day.late_count, 0)
        late = self.swipe(
            self.t_north, card, 7.0, utc(D1, 18), offline=True, terminal_seq=1
        )
        on_time = self.swipe(
            self.t_north, card, 3.0, utc(D2, 12)
        )  # D2 was never settled by itself
        with self.on(date(2025, 4, 1), 9):
            month = self.settle(D1, "month")
        self.assertPostedBalanced(month)
        self.assertEqual(self.rows(late).settlement_id, month)
        self.assertEqual(self.rows(on_time).settlement_id, month)
        self.assertEqual(month.late_count, len(self.rows(late)))
        self.assertAlmostEqual(
            sum(month.line_ids.filtered("late").mapped("amount")), -7.0, 2
        )
        self.assertAlmostEqual(
            sum(
                month.line_ids.filtered(
                    lambda line: not line.late and line.kind == "consume"
                ).mapped("amount")
            ),
            -3.0,
            2,
        )
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()

    def test_reversed_settlement_does_not_make_rows_late(self):
        """A period whose settlement was reversed is open again: re-settling it is on
        time."""
        with self.on(D1):
            card = self.issue(self.dan, "5B100004", topup=50.0, method=self.cash)
        self.swipe(self.t_north, card, 5.0, utc(D1, 12))
        with self.on(D2, 1):
            first = self.settle(D1)
        first.with_user(self.accountant).action_reverse()
        with self.on(D2, 2):
            again = self.settle(D1)
        self.assertNotEqual(again, first)
        self.assertEqual(again.late_count, 0)

    # ------------------------------------------------------------ item 8
    def test_manual_entry_on_card_liability_is_a_difference(self):
        """A hand-made entry on the card liability is a difference, listed as its
        explanation, also next to timing items; once undone the books agree again."""
        with self.on(D1):
            card = self.issue(self.ann, "5B100005", topup=100.0, method=self.cash)
        self.swipe(self.t_north, card, 10.0, utc(D1, 12))
        with self.on(D2, 1):
            self.settle(D1)
        self.assertTrue(self.reconcile(D1).balanced)

        cash_account = self.company.onecard_cash_account_id
        misc = self.env["account.journal"].search(
            [
                ("company_id", "=", self.company.id),
                ("type", "=", "general"),
                ("code", "!=", "CARD"),
            ],
            limit=1,
        )
        bank_account = self.bank.with_company(
            self.company
        ).journal_id.default_account_id
        manual = self.env["account.move"].create(
            {
                "journal_id": misc.id,
                "date": D1,
                "ref": "Adjust card money",
                "move_type": "entry",
                "line_ids": [
                    Command.create(
                        {"account_id": bank_account.id, "debit": 25.0, "name": "adjust"}
                    ),
                    Command.create(
                        {
                            "account_id": cash_account.id,
                            "credit": 25.0,
                            "name": "adjust",
                        }
                    ),
                ],
            }
        )
        manual.action_post()

        rec = self.reconcile(D1)
        self.assertFalse(
            rec.balanced, "a manual entry on a card liability account is not 'balanced'"
        )
        cash_line = rec.line_ids.filtered(lambda line: line.section == "account")[0]
        self.assertAlmostEqual(cash_line.gl_amount, 90.0 + 25.0, 2)
        self.assertAlmostEqual(cash_line.manual_amount, 25.0, 2)
        self.assertAlmostEqual(cash_line.difference, -25.0, 2)
        explained = rec.line_ids.filtered(lambda line: line.section == "manual")
        self.assertEqual(explained.move_id, manual)
        self.assertAlmostEqual(explained.gl_amount, 25.0, 2)
        self.assertIn(manual.name, explained.name)

        # with activity not posted yet, the manual entry still shows
        self.swipe(self.t_north, card, 4.0, utc(D2, 12))
        rec = self.reconcile(D2)
        self.assertFalse(rec.balanced)
        cash_line = rec.line_ids.filtered(lambda line: line.section == "account")[0]
        self.assertAlmostEqual(cash_line.unsettled_amount, -4.0, 2)
        self.assertAlmostEqual(cash_line.difference, -25.0, 2)

        # undone by hand: GL = sub-ledger again, both entries listed
        reversal = manual._reverse_moves([{"date": D2, "ref": "Undo"}])
        reversal.action_post()
        rec = self.reconcile(D2)
        self.assertTrue(rec.balanced)
        explained = rec.line_ids.filtered(lambda line: line.section == "manual")
        self.assertEqual(explained.move_id, manual | reversal)
        self.assertFalse(
            self.currency.compare_amounts(sum(explained.mapped("gl_amount")), 0.0)
        )
        with self.on(D3, 1):
            self.settle(D2)
        self.assertFalse(
            self.currency.compare_amounts(
                self.gl(cash_account), self.wallet_sums()["cash"]
            )
        )
