from odoo.tests import Form, tagged

from .common import CONSUME, D1, D2, D3, ReportCase, utc


@tagged("post_install", "-at_install")
class TestReportsDesk(ReportCase):
    """The desk and accounting reports (top-up, fund, statement, settlement), companies
    and screens, against sums computed from onecard_transaction in SQL."""

    # ------------------------------------------------------------- money
    def test_topup_table(self):
        wizard = self.wizard(report="topup")
        start, end = wizard._utc_bounds()
        measures = [
            "topup_amount",
            "refund_amount",
            "to_temporary_amount",
            "to_official_amount",
            "deposit_in_amount",
            "deposit_out_amount",
        ]
        got = {
            h.id: values
            for h, *values in self.read_group(
                wizard, ["cardholder_id"], [f"{m}:sum" for m in measures]
            )
        }
        sql = {
            row[0]: [float(v or 0) for v in row[1:]]
            for row in self.sql(
                """
            SELECT cardholder_id,
                   SUM(amount) FILTER (WHERE kind = 'topup'),
                   -SUM(amount) FILTER (WHERE kind = 'refund' OR (kind = 'return' AND
                   wallet_kind <> 'deposit')),
                   SUM(amount) FILTER (WHERE kind = 'transfer' AND wallet_kind =
                   'temporary' AND amount > 0),
                   SUM(amount) FILTER (WHERE kind = 'transfer' AND wallet_kind = 'cash'
                   AND amount > 0),
                   SUM(amount) FILTER (WHERE kind = 'deposit_in'),
                   -SUM(amount) FILTER (WHERE kind = 'deposit_out' OR (kind = 'return'
                   AND wallet_kind = 'deposit'))
              FROM onecard_transaction WHERE company_id = %s AND business_time >= %s
              AND business_time < %s
               AND kind IN ('topup', 'refund', 'return', 'transfer', 'deposit_in',
               'deposit_out')
             GROUP BY cardholder_id""",
                self.company.id,
                start,
                end,
            )
        }
        self.assertEqual(set(got), set(sql))
        for holder_id, values in sql.items():
            for measure, value, expected in zip(
                measures, got[holder_id], values, strict=False
            ):
                self.assertAlmostEqual(value, expected, places=2, msg=measure)
        self.assertEqual(got[self.zhang.id], [200.0, 20.0, 30.0, 10.0, 20.0, 0.0])
        by_method = {
            (h.id, m.id): a
            for h, m, a in self.read_group(
                wizard, ["cardholder_id", "payment_method_id"], ["topup_amount:sum"]
            )
        }
        self.assertEqual(by_method[(self.li.id, self.wechat.id)], 100.0)
        self.assertEqual(by_method[(self.li.id, self.cash.id)], 40.0)
        april = {
            h.id: values
            for h, *values in self.read_group(
                self.wizard(report="topup", day=D3),
                ["cardholder_id"],
                [f"{m}:sum" for m in measures],
            )
        }
        self.assertEqual(
            april[self.wang.id][1], 50.0, "王五's balance paid back at card return"
        )
        self.assertEqual(april[self.wang.id][5], 10.0, "王五's deposit paid back")

    def test_fund_statement(self):
        wizard = self.wizard(
            report="fund", period="range", date_from=D1.replace(day=1), date_to=D3
        )
        start, end = wizard._utc_bounds()
        got = {
            (k, m.id): (r, p)
            for k, m, r, p in self.read_group(
                wizard, ["kind", "payment_method_id"], ["received:sum", "paid:sum"]
            )
        }
        sql = self.sql(
            """
            SELECT kind, payment_method_id, SUM(GREATEST(amount, 0)),
            SUM(GREATEST(-amount, 0))
              FROM onecard_transaction WHERE company_id = %s AND business_time >= %s
              AND business_time < %s
               AND kind IN ('topup', 'refund', 'return', 'deposit_in', 'deposit_out')
             GROUP BY 1, 2""",
            self.company.id,
            start,
            end,
        )
        for kind, method, received, paid in sql:
            self.assertAlmostEqual(
                got[(kind, method or False)][0], float(received), places=2
            )
            self.assertAlmostEqual(
                got[(kind, method or False)][1], float(paid), places=2
            )
        [(total_in, total_out, net)] = self.read_group(
            wizard, [], ["amount_in:sum", "amount_out:sum", "amount:sum"]
        )
        self.assertAlmostEqual(
            net,
            self.sql_one(
                """
            SELECT SUM(amount) FROM onecard_transaction
             WHERE company_id = %s AND business_time >= %s AND business_time < %s""",
                self.company.id,
                start,
                end,
            ),
        )
        self.assertAlmostEqual(total_in - total_out, net, places=2)
        self.assertEqual(got[("topup", self.cash.id)][0], 240.0)

    # --------------------------------------------------------- statement
    def test_personal_statement(self):
        wizard = self.wizard(
            report="statement", period="day", day=D2, cardholder_ids=[self.zhang.id]
        )
        [st] = self.statements(wizard)
        start, end = self.bounds(D2, D2.replace(day=12))
        opening = self.sql_one(
            """SELECT SUM(amount) FROM onecard_transaction WHERE cardholder_id = %s
                                   AND wallet_kind <> 'deposit' AND business_time <
                                   %s""",
            self.zhang.id,
            start,
        )
        closing = self.sql_one(
            """SELECT SUM(amount) FROM onecard_transaction WHERE cardholder_id = %s
                                   AND wallet_kind <> 'deposit' AND business_time <
                                   %s""",
            self.zhang.id,
            end,
        )
        self.assertAlmostEqual(st["opening"], opening, places=2)
        self.assertAlmostEqual(st["closing"], closing, places=2)
        self.assertAlmostEqual(st["opening"], 200.0 + 50.0 - 65.0, places=2)
        self.assertAlmostEqual(st["closing"], st["opening"] - 20.0 - 12.0, places=2)
        self.assertAlmostEqual(st["lines"][-1]["balance"], st["closing"], places=2)
        self.assertAlmostEqual(
            st["opening"] + st["income"] - st["expense"], st["closing"], places=2
        )
        self.assertEqual(st["deposit"], 20.0)
        self.assertEqual(
            [line["kind"] for line in st["lines"]],
            ["Refund", "Transfer", "Transfer", "Transfer", "Transfer", "Consumption"],
        )
        # a whole department, an empty period
        dept = self.wizard(
            report="statement", day=D1.replace(month=2), department_ids=[self.rd.id]
        )
        statements = self.statements(dept)
        self.assertEqual({s["holder"] for s in statements}, {self.zhang, self.li})
        self.assertTrue(
            all(
                not s["lines"] and s["opening"] == s["closing"] == 0.0
                for s in statements
            )
        )

    def test_statement_html(self):
        wizard = self.wizard(report="statement", cardholder_ids=[self.li.id])
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html(
                "onecard_reports.onecard_report_statement_html", wizard.ids
            )
        )
        html = html.decode()
        self.assertIn("李四", html)
        self.assertIn("Noto Sans CJK SC", html)
        self.assertIn("30.00", html, "closing balance: 100 - 20 - 90 (offline) + 40")

    # -------------------------------------------------------- settlement
    def test_settlement_report(self):
        Settlement = self.env["onecard.settlement"].with_user(self.accountant)
        day = Settlement.settle(self.company, "day", D1)
        month = Settlement.settle(self.company, "month", D1)
        Report = self.env["onecard.report.settlement"].with_user(self.accountant)
        for settlement in day | month:
            self.assertTrue(settlement.move_id)
            rows = self.sql(
                """SELECT count(*), COALESCE(SUM(amount), 0) FROM onecard_transaction t
                     JOIN onecard_transaction_settled c ON c.id = t.id
                    WHERE c.settlement_id = %s""",
                settlement.id,
            )[0]
            [(count, amount)] = Report._read_group(
                [("settlement_id", "=", settlement.id)], [], ["count:sum", "amount:sum"]
            )
            self.assertEqual(count, rows[0])
            self.assertAlmostEqual(amount, float(rows[1]), places=2)
            self.assertEqual(count, settlement.transaction_count)
            move = settlement.move_id.sudo()
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")),
                sum(move.line_ids.mapped("credit")),
                places=2,
            )
            # card cash rows = card cash liability + the debt moved to the
            # employee receivable (李四's offline record drove him below zero)
            cash_lines = move.line_ids.filtered(
                lambda aml: aml.account_id
                in (
                    self.company.onecard_cash_account_id
                    | self.company.onecard_receivable_account_id
                )
            )
            cash_rows = self.sql_one(
                """SELECT SUM(amount) FROM onecard_transaction t
                     JOIN onecard_transaction_settled c ON c.id = t.id
                    WHERE c.settlement_id = %s
                      AND wallet_kind IN ('cash', 'temporary')""",
                settlement.id,
            )
            self.assertAlmostEqual(
                -sum(cash_lines.mapped("balance")), cash_rows, places=2
            )
        # the wizard's daily and monthly tables
        table = self.wizard(report="settlement")._group_table()
        self.assertEqual(
            table["totals"][0], day.transaction_count + month.transaction_count
        )
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html("onecard_reports.onecard_report_settlement_pdf", day.ids)
        )
        self.assertIn(day.move_id.sudo().name, html.decode())

    # ------------------------------------------------------ multi-company
    def test_multi_company(self):
        Report = self.env["onecard.report.consumption"].with_user(self.accountant)
        only_a = Report.with_context(allowed_company_ids=[self.company.id])
        self.assertFalse(only_a.search([("company_id", "=", self.company_b.id)]))
        self.assertEqual(only_a.search([]).company_id, self.company)
        wizard_b = self.wizard(report="cardholder", company_id=self.company_b.id)
        rows = (
            self.env["onecard.report.consumption"]
            .with_user(self.accountant)
            .with_context(allowed_company_ids=[self.company_b.id])
            ._read_group(wizard_b._domain(), ["cardholder_id"], ["amount:sum"])
        )
        self.assertEqual([(h.id, a) for h, a in rows], [(self.holder_b.id, 50.0)])
        table = wizard_b._group_table()
        self.assertEqual(
            table["totals"][-1],
            self.sql_one(
                "SELECT -SUM(amount) FROM onecard_transaction WHERE company_id = "
                "%s AND kind IN %s "
                "AND business_time < %s",
                self.company_b.id,
                CONSUME,
                utc(D3, 0),
            ),
        )
        for model in (
            "onecard.report.swipe",
            "onecard.report.fund",
            "onecard.report.topup",
        ):
            records = (
                self.env[model]
                .with_user(self.accountant)
                .with_context(allowed_company_ids=[self.company.id])
                .search([])
            )
            self.assertEqual(records.company_id, self.company, model)

    # ---------------------------------------------------------- screens
    def test_wizard_form_and_actions(self):
        with Form(self.env["onecard.report.wizard"].with_user(self.accountant)) as form:
            form.report = "terminal"
            form.period = "day"
            form.day = D1
            self.assertEqual(form.date_from, D1)
            self.assertEqual(form.date_to, D1)
            form.period = "month"
            self.assertEqual(form.date_to, D1.replace(day=31))
            form.terminal_ids.add(self.t_north)
        wizard = form.save()
        action = wizard.action_open()
        self.assertEqual(action["res_model"], "onecard.report.swipe.day")
        self.assertIn(("terminal_id", "in", [self.t_north.id]), action["domain"])
        for report, _label in wizard._fields["report"].selection:
            wizard.report = report
            action = wizard.action_open()
            self.assertIn(
                action["type"], ("ir.actions.act_window", "ir.actions.report"), report
            )
        wizard.write({"report": "consumption", "amount_min": 10, "amount_max": 30})
        rows = (
            self.env["onecard.report.consumption"]
            .with_user(self.accountant)
            .search(wizard._domain())
        )
        self.assertTrue(rows and all(10 <= r.amount <= 30 for r in rows))

    def test_dashboard(self):
        with self.env.cr.savepoint():
            data = (
                self.env["onecard.report.dashboard"]
                .with_user(self.accountant)
                .get_data(days=7)
            )
        self.assertIn("hours", data)
        self.assertEqual(data["today"]["swipes"], 0)
