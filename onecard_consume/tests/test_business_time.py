"""Desk operations dated in the past by a caller that records the past (the demo's
week): the engine books them at that business time, the real server time stays, the
chain holds, and settlement takes them with their own day."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from .common import OnecardCase


@tagged("post_install", "-at_install")
class TestBusinessTime(OnecardCase):
    def test_desk_operations_dated_when_they_happened(self):
        when = datetime(2025, 3, 10, 2, 0)  # 10:00 in Asia/Shanghai

        def at(hours):
            return when + timedelta(hours=hours)

        holder = self.env["onecard.cardholder"].create(
            {"name": "Past Ann", "code": "BT001", "category_id": self.staff.id}
        )
        before = fields.Datetime.now()
        card = self.ledger.issue_card(
            holder,
            "0B000001",
            deposit=20.0,
            topup=100.0,
            method=self.cash,
            business_time=when,
        )
        self.ledger.topup(card, 50.0, self.cash, business_time=at(1))
        self.ledger.refund(card, 30.0, self.cash, business_time=at(2))
        sale = self.swipe(self.t_amount, card, amount=12.0, at=at(3))
        self.ledger.correct(
            self.env["onecard.operation"].browse(sale["operation_id"]),
            "charged twice",
            business_time=at(4),
        )
        rows = self.env["onecard.transaction"].search(
            [("cardholder_id", "=", holder.id)], order="id"
        )
        self.assertEqual(
            rows.mapped("kind"),
            ["deposit_in", "topup", "topup", "refund", "consume", "correction"],
        )
        self.assertEqual(
            rows.mapped("business_time"),
            [
                when,
                when,
                at(1),
                at(2),
                at(3),
                at(4),
            ],
        )
        self.assertTrue(all(row.create_date >= before for row in rows), "server time")
        self.assertFalse(holder.wallet_ids._verify_chain())
        self.assertAlmostEqual(holder.cash_balance, 120.0)
        # Without a business time the desk books now.
        self.ledger.topup(card, 5.0, self.cash)
        last = self.env["onecard.transaction"].search(
            [("cardholder_id", "=", holder.id)], order="id desc", limit=1
        )
        self.assertGreaterEqual(last.business_time, before)
        settlement = self.env["onecard.settlement"].settle(
            self.company, "day", when.date()
        )
        self.assertEqual(settlement.transaction_count, len(rows))
        self.assertEqual(settlement.late_count, 0)
