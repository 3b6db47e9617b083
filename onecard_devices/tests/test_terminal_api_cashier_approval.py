from odoo.tests import tagged

from .test_terminal_api import TerminalApiSchemaCase


@tagged("post_install", "-at_install")
class TestTerminalApiCashierApproval(TerminalApiSchemaCase):
    """A cashier terminal cannot give the reason four-eyes approval needs: a refund
    above the company's threshold is refused with a clear message, booking nothing
    and asking nothing; below it, it books."""

    def test_refund_above_threshold_refused(self):
        self.env.company.write(
            {"onecard_approval": True, "onecard_approval_threshold": 20}
        )
        login = self.ok(
            self.t_cashier, "operator/login", {"uid": self.operator_card.uid}
        )
        payload = {
            "session": login["session"],
            "uid": self.bob_card.uid,
            "amount": 15.0,
            "request_id": "apr1",
        }
        cash = self.balances(self.bob)["cash"]
        answer = self.ok(self.t_cashier, "cashier/refund", payload)
        self.assertAlmostEqual(answer["balances"]["cash"], cash - 15.0, places=2)
        before = self.counts()
        data = self.error(
            422,
            "refused",
            self.t_cashier,
            "cashier/refund",
            dict(payload, amount=30.0, request_id="apr2"),
        )
        self.assertIn("approval", data["error"]["message"])
        self.assertEqual(self.counts(), before)
        self.assertFalse(self.env["onecard.approval.request"].search([]))
        self.assertAlmostEqual(self.balances(self.bob)["cash"], cash - 15.0, places=2)
