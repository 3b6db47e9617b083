"""The reports dashboard: sales positive, corrections on their own, terminals that
are not calling in named, charts drawn (issue 17, item 6)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.onecard_consume.tests.common import setup_onecard_env


@tagged("post_install", "-at_install")
class TestDashboard(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.manager = new_test_user(
            cls.env,
            login="oc_dash_manager",
            groups="onecard_consume.group_onecard_manager",
            lang="en_US",
        )
        cls.cash = cls.env.ref("onecard_consume.payment_method_cash")
        canteen = cls.env["onecard.canteen"].create(
            {"name": "Dash Canteen", "code": "DASH"}
        )
        Terminal = cls.env["onecard.terminal"]
        cls.till, cls.never, cls.quiet = Terminal.create(
            [
                {
                    "name": f"Dash {name}",
                    "code": f"DASH-{name}",
                    "mode": "amount",
                    "canteen_id": canteen.id,
                }
                for name in ("Till", "Never", "Quiet")
            ]
        )
        now = fields.Datetime.now()
        cls.till.last_seen = now
        cls.quiet.last_seen = now - timedelta(hours=3)
        holder = cls.env["onecard.cardholder"].create(
            {"name": "Dash Holder", "code": "DASH-001"}
        )
        ledger = cls.env["onecard.ledger"]
        cls.card = ledger.issue_card(holder, "DA5B0001", topup=100.0, method=cls.cash)
        swipe = cls.env["onecard.consumption"].swipe
        cls.sales = [
            swipe(cls.till, cls.card.uid, amount=amount, business_time=now - delay)
            for amount, delay in ((12.5, timedelta(minutes=5)), (6.0, timedelta(0)))
        ]
        assert all(answer["approved"] for answer in cls.sales), cls.sales
        operation = cls.env["onecard.operation"].search(
            [("card_id", "=", cls.card.id), ("kind", "=", "consume")], limit=1
        )
        ledger.correct(operation, "charged twice")
        cls.corrected = operation.amount

    def data(self):
        return (
            self.env["onecard.report.dashboard"]
            .with_user(self.manager)
            .get_data(days=7)
        )

    def test_figures(self):
        data = self.data()
        today = data["today"]
        self.assertEqual(today["swipes"], 2)
        self.assertAlmostEqual(today["sales"], 18.5)
        self.assertEqual(today["corrections"], 1)
        self.assertAlmostEqual(today["corrected"], self.corrected)
        self.assertAlmostEqual(today["topups"], 100.0)
        self.assertEqual(
            len(data["trend"]), 7, "every day of the window, empty ones too"
        )
        last = data["trend"][-1]
        self.assertAlmostEqual(last["sales"], 18.5)
        self.assertAlmostEqual(last["corrections"], self.corrected)
        self.assertTrue(all(day["sales"] >= 0 for day in data["trend"]))
        self.assertEqual(sum(sum(c["counts"]) for c in data["hours"]), 2)
        self.assertEqual(sum(meal["swipes"] for meal in data["meals"]), 2)

    def test_terminals_not_calling_in(self):
        terminals = self.data()["terminals"]
        if terminals is None:
            self.skipTest("onecard_devices (terminal status) is not installed")
        quiet = {t["name"]: t["status"] for t in terminals["quiet"]}
        self.assertEqual(quiet.get("Dash Never"), "never")
        self.assertIn(quiet.get("Dash Quiet"), ("offline", "silent"))
        self.assertNotIn("Dash Till", quiet)
        self.assertEqual(terminals["total"] - terminals["calling"], len(quiet))

    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo/action-onecard_reports.onecard_report_dashboard_action",
            "onecard_dashboard_tour",
            login=self.manager.login,
        )
