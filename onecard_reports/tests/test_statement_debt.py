"""The personal statement says what a holder owes (postpaid debt) at the end of
the period, checked against the ledger."""

from .common import D1, D2, ReportCase


class TestStatementDebt(ReportCase):
    def test_statement_shows_debt(self):
        day1 = self.wizard(
            report="statement", period="day", day=D1, cardholder_ids=[self.li.id]
        )
        [st] = self.statements(day1)
        _start, end = day1._utc_bounds()
        cash = self.sql_one(
            "SELECT SUM(amount) FROM onecard_transaction WHERE cardholder_id = %s "
            "AND wallet_kind = 'cash' AND business_time < %s",
            self.li.id,
            end,
        )
        self.assertAlmostEqual(cash, -10.0, places=2)  # the offline record
        self.assertAlmostEqual(st["debt"], 10.0, places=2)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html(
                "onecard_reports.onecard_report_statement_html", day1.ids
            )[0]
            .decode()
        )
        self.assertIn("Of which owed", html)
        # the next day's top-up repaid it: nothing owed, no debt line
        day2 = self.wizard(
            report="statement", period="day", day=D2, cardholder_ids=[self.li.id]
        )
        [st2] = self.statements(day2)
        self.assertEqual(st2["debt"], 0.0)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html(
                "onecard_reports.onecard_report_statement_html", day2.ids
            )[0]
            .decode()
        )
        self.assertNotIn("Of which owed", html)
