from odoo.tests import tagged

from .common import CONSUME, D1, D2, D3, ReportCase


@tagged("post_install", "-at_install")
class TestReports(ReportCase):
    """The consumption and terminal reports against sums computed from
    onecard_transaction in SQL."""

    # ------------------------------------------------------- consumption
    def test_consumption_per_cardholder(self):
        wizard = self.wizard(report="cardholder")
        start, end = wizard._utc_bounds()
        self.assertEqual((start, end), self.bounds(D1.replace(day=1), D3))
        expected = dict(
            self.sql(
                """
            SELECT cardholder_id, -SUM(amount) FROM onecard_transaction
             WHERE company_id = %s AND kind IN %s AND business_time >= %s AND
             business_time < %s
             GROUP BY cardholder_id""",
                self.company.id,
                CONSUME,
                start,
                end,
            )
        )
        got = {
            holder.id: amount
            for holder, amount in self.read_group(
                wizard, ["cardholder_id"], ["amount:sum"]
            )
        }
        self.assertEqual(set(got), set(expected))
        for holder_id, amount in expected.items():
            self.assertAlmostEqual(got[holder_id], float(amount), places=2)
        # 张三: 5 + 60 (two wallets) + 12 on the temporary card; 王五: 15 - 15 corrected
        self.assertAlmostEqual(got[self.zhang.id], 77.0, places=2)
        self.assertAlmostEqual(got[self.wang.id], 0.0, places=2)
        swipes = dict(
            self.read_group(wizard, ["cardholder_id"], ["swipe_ref:count_distinct"])
        )
        ops = dict(
            self.sql(
                """
            SELECT cardholder_id, count(*) FROM onecard_operation
             WHERE company_id = %s AND state = 'approved' AND kind IN ('consume',
             'back_entry')
               AND business_time >= %s AND business_time < %s GROUP BY cardholder_id""",
                self.company.id,
                start,
                end,
            )
        )
        self.assertEqual({h.id: n for h, n in swipes.items()}, ops)
        self.assertEqual(
            swipes[self.zhang], 3, "a swipe paid from two wallets counts once"
        )
        # split by wallet
        [(cash, subsidy)] = self.read_group(
            wizard, [], ["cash_amount:sum", "subsidy_amount:sum"]
        )
        self.assertAlmostEqual(
            subsidy,
            self.sql_one(
                """
            SELECT -SUM(amount) FROM onecard_transaction WHERE company_id = %s AND kind
            IN %s
               AND wallet_kind = 'subsidy' AND business_time >= %s AND business_time <
               %s""",
                self.company.id,
                CONSUME,
                start,
                end,
            ),
            places=2,
        )
        self.assertAlmostEqual(
            cash + subsidy, sum(float(v) for v in expected.values()), places=2
        )

    def test_local_day_and_hour(self):
        """The 07:30 Shanghai breakfast is 23:30 UTC the day before: it belongs to D1,
        hour 7."""
        wizard = self.wizard(report="consumption", period="day", day=D1)
        rows = (
            self.env["onecard.report.consumption"]
            .with_user(self.accountant)
            .search(
                wizard._domain() + [("cardholder_id", "=", self.zhang.id)],
                order="business_time",
            )
        )
        self.assertEqual(rows[0].business_time.date(), D1.replace(day=9))
        self.assertEqual(rows[0].date, D1)
        self.assertEqual(rows[0].hour, 7)
        self.assertEqual(rows[0].meal_period_id, self.breakfast)
        self.assertEqual(rows[0].card_kind, "official")
        self.assertEqual(set(rows.mapped("date")), {D1})
        start, end = self.bounds(D1, D2)
        [(total,)] = self.read_group(wizard, [], ["amount:sum"])
        self.assertAlmostEqual(
            total,
            self.sql_one(
                """
            SELECT -SUM(amount) FROM onecard_transaction
             WHERE company_id = %s AND kind IN %s AND business_time >= %s AND
             business_time < %s""",
                self.company.id,
                CONSUME,
                start,
                end,
            ),
            places=2,
        )
        self.assertAlmostEqual(total, 5 + 60 + 20 + 15 + 90, places=2)

    def test_category_by_day(self):
        wizard = self.wizard(report="category")
        table = wizard._group_table()
        start, end = wizard._utc_bounds()
        expected = self.sql(
            """
            SELECT ((business_time AT TIME ZONE 'UTC') AT TIME ZONE
            'Asia/Shanghai')::date, consume_category_id,
                   -SUM(amount)
              FROM onecard_transaction WHERE company_id = %s AND kind IN %s
               AND business_time >= %s AND business_time < %s GROUP BY 1, 2 ORDER BY 1,
               2""",
            self.company.id,
            CONSUME,
            start,
            end,
        )
        self.assertEqual(len(table["lines"]), len(expected))
        self.assertEqual(table["group_labels"][1], "Consumption Category")
        self.assertAlmostEqual(
            table["totals"][-1], sum(float(r[2]) for r in expected), places=2
        )
        by_key = {
            (line["groups"][0], line["groups"][1]): line["values"][-1]
            for line in table["lines"]
        }
        self.assertAlmostEqual(by_key[("2025-03-10", "R Shop")], 20.0, places=2)
        self.assertAlmostEqual(
            by_key[("2025-03-11", "R Meals")], -15.0, places=2, msg="the correction, D2"
        )

    def test_empty_period(self):
        for report in (
            "consumption",
            "cardholder",
            "category",
            "topup",
            "terminal",
            "statistics",
            "fund",
            "settlement",
        ):
            wizard = self.wizard(report=report, day=D1.replace(month=2))
            table = wizard._group_table()
            self.assertEqual(table["lines"], [], report)
            self.assertTrue(all(not value for value in table["totals"]), report)
            self.assertFalse(
                self.env[wizard._spec()["model"]]
                .with_user(self.accountant)
                .search_count(wizard._domain()),
                report,
            )

    def test_corrections(self):
        wizard = self.wizard(report="consumption")
        Report = self.env["onecard.report.consumption"].with_user(self.accountant)
        flagged = Report.search(wizard._domain() + [("reversed", "=", True)])
        self.assertEqual(set(flagged.mapped("kind")), {"consume", "correction"})
        self.assertEqual(flagged.cardholder_id, self.wang)
        self.assertAlmostEqual(
            sum(flagged.mapped("amount")), 0.0, places=2, msg="a correction nets out"
        )
        wizard.include_reversed = False
        [(net,)] = self.read_group(wizard, [], ["amount:sum"])
        start, end = wizard._utc_bounds()
        self.assertAlmostEqual(
            net,
            self.sql_one(
                """
            SELECT -SUM(t.amount) FROM onecard_transaction t JOIN onecard_operation o
            ON o.id = t.operation_id
             WHERE t.company_id = %s AND t.kind IN ('consume', 'back_entry') AND
             o.reversed_by_id IS NULL
               AND t.business_time >= %s AND t.business_time < %s""",
                self.company.id,
                start,
                end,
            ),
            places=2,
        )

    def test_offline_records(self):
        wizard = self.wizard(report="consumption")
        [(amount,)] = (
            self.env["onecard.report.consumption"]
            .with_user(self.accountant)
            ._read_group(
                wizard._domain() + [("offline", "=", True)], [], ["amount:sum"]
            )
        )
        self.assertAlmostEqual(
            amount,
            self.sql_one(
                "SELECT -SUM(amount) FROM onecard_transaction WHERE company_id = "
                "%s AND offline",
                self.company.id,
            ),
        )
        self.assertAlmostEqual(amount, 90.0, places=2)
        terminal = self.wizard(report="terminal")
        [(offline, _swipes)] = self.read_group(
            terminal, [], ["offline_count:sum", "swipe_count:sum"]
        )
        self.assertEqual(offline, 1)
        self.assertEqual(
            self.li.cash_balance,
            -10.0 + 40.0,
            "the offline record drove 李四 below zero",
        )

    # ---------------------------------------------------------- terminals
    def test_terminal_statistics(self):
        wizard = self.wizard(report="terminal")
        start, end = wizard._utc_bounds()
        got = {
            t.id: (s, d, c, a)
            for t, s, d, c, a in self.read_group(
                wizard,
                ["terminal_id"],
                [
                    "swipe_count:sum",
                    "declined_count:sum",
                    "correction_count:sum",
                    "amount:sum",
                ],
            )
        }
        amounts = dict(
            self.sql(
                """
            SELECT terminal_id, -SUM(amount) FROM onecard_transaction
             WHERE company_id = %s AND kind IN %s AND business_time >= %s AND
             business_time < %s
             GROUP BY terminal_id""",
                self.company.id,
                CONSUME,
                start,
                end,
            )
        )
        counts = {
            row[0]: row[1:]
            for row in self.sql(
                """
            SELECT terminal_id,
                   count(*) FILTER (WHERE state = 'approved' AND kind <> 'correction'),
                   count(*) FILTER (WHERE state = 'declined'),
                   count(*) FILTER (WHERE kind = 'correction')
              FROM onecard_operation WHERE company_id = %s AND kind IN %s
               AND business_time >= %s AND business_time < %s GROUP BY terminal_id""",
                self.company.id,
                CONSUME,
                start,
                end,
            )
        }
        self.assertEqual(set(got), set(counts))
        for terminal_id, (swipes, declined, corrections, amount) in got.items():
            self.assertEqual((swipes, declined, corrections), counts[terminal_id])
            self.assertAlmostEqual(amount, float(amounts[terminal_id]), places=2)
        self.assertEqual(got[self.t_north.id][:3], (4, 1, 1))
        # by meal period and day
        meals = {
            (m.id, d): n
            for m, d, n in self.read_group(
                wizard, ["meal_period_id", "date:day"], ["swipe_count:sum"]
            )
        }
        self.assertEqual(meals[(self.breakfast.id, D1)], 1)
        self.assertEqual(meals[(self.lunch.id, D1)], 2)
        hours = dict(self.read_group(wizard, ["hour"], ["swipe_count:sum"]))
        self.assertEqual(hours[7], 1)
        self.assertEqual(hours[12], 3)

    def test_statistics_table(self):
        table = self.wizard(report="statistics")._group_table()
        self.assertEqual(
            [m["label"] for m in table["measures"]], ["Swipes", "Corrections", "Amount"]
        )
        self.assertAlmostEqual(
            table["totals"][2],
            self.sql_one(
                """
            SELECT -SUM(amount) FROM onecard_transaction WHERE company_id = %s AND kind
            IN %s
               AND business_time >= %s AND business_time < %s""",
                self.company.id,
                CONSUME,
                *self.bounds(D1.replace(day=1), D3),
            ),
            places=2,
        )
