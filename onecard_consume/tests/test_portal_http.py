import json
import unittest

from odoo.tests import HttpCase, tagged

from .common_portal import PortalCase, setup_demo_provider


@tagged("post_install", "-at_install")
class TestPortalHttp(HttpCase, PortalCase):
    """The portal over HTTP: pages by URL, JSON-RPC as the portal user, the tour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_demo_provider(cls)
        for user in (cls.user_a, cls.user_b, cls.user_g):
            user.password = user.login  # new_test_user's default, said explicitly

    def rpc(self, model, method, *args, **kwargs):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_pages_by_url(self):
        self.authenticate("oc_portal_a", "oc_portal_a")
        page = self.url_open(f"/my/onecard/{self.ann.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Ann", page.text)
        self.assertIn("100.00", page.text)
        self.assertNotIn("Ben", page.text)
        for url in (
            f"/my/onecard/{self.ben.id}",
            f"/my/onecard/{self.ben.id}/topup?amount=50",
            "/my/onecard/999999",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        # POST with B's card: refused, the card untouched
        lost = self.url_open(
            f"/my/onecard/{self.ann.id}/card/{self.cards[self.ben].id}/lost",
            data={"csrf_token": self.csrf_token()},
        )
        self.assertEqual(lost.status_code, 404)
        self.assertEqual(self.cards[self.ben].state, "active")
        # /my goes to the one account; a bad top-up amount says why
        self.assertTrue(self.url_open("/my/onecard").url.endswith(f"/{self.ann.id}"))
        page = self.url_open(f"/my/onecard/{self.ann.id}/topup?amount=abc")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_onecard_error", page.text)

    def csrf_token(self):
        page = self.url_open(f"/my/onecard/{self.ann.id}")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def test_guardian_list(self):
        self.authenticate("oc_portal_g", "oc_portal_g")
        page = self.url_open("/my/onecard")
        self.assertIn("Cai", page.text)
        self.assertIn("Dan", page.text)
        self.assertNotIn("Ann", page.text)
        self.assertEqual(self.url_open(f"/my/onecard/{self.dan.id}").status_code, 200)
        self.assertEqual(self.url_open(f"/my/onecard/{self.ann.id}").status_code, 404)

    def test_json_rpc(self):
        self.authenticate("oc_portal_a", "oc_portal_a")
        answer = self.rpc(
            "onecard.cardholder", "search_read", [], fields=["name", "cash_balance"]
        )
        self.assertEqual(
            answer["result"],
            [{"id": self.ann.id, "name": "Ann", "cash_balance": 100.0}],
        )
        answer = self.rpc("onecard.cardholder", "read", [self.ben.id], ["name"])
        self.assertIn("error", answer)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = self.rpc("onecard.transaction", "search_read", [], fields=["amount"])
        self.assertEqual(len(answer["result"]), 1)  # Ann's opening top-up only
        answer = self.rpc(
            "onecard.cardholder", "search_read", [], fields=["pin_failures"]
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = self.rpc(
            "onecard.card", "action_report_lost", [self.cards[self.ann].id]
        )
        self.assertIn("error", answer)
        self.assertEqual(self.cards[self.ann].state, "active")

    def test_portal_tour(self):
        if not self.provider:
            raise unittest.SkipTest("payment_demo is not installed")
        self.cards[self.ann].sudo().number = "P0001"
        self.start_tour("/my", "onecard_portal_tour", login="oc_portal_a")
        card = self.cards[self.ann]
        self.assertEqual(card.state, "lost")
        self.assertEqual(self.balances(self.ann)["cash"], 150.0)
        tx = self.env["payment.transaction"].search(
            [("onecard_cardholder_id", "=", self.ann.id)]
        )
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.onecard_operation_id.amount, 50.0)
        answer = self.consumption.swipe(self.t_north, card.uid, amount=5.0)
        self.assertFalse(answer["approved"])
        self.assertEqual(self.balances(self.ann)["cash"], 150.0)
        self.assertLedgerInvariant()

    def test_operator_sees_only_own_on_portal(self):
        """/my is the user's own page, for a card operator too (the back office
        is where they see everyone)."""
        self.authenticate("oc_set_operator", "oc_set_operator")
        self.assertEqual(self.url_open(f"/my/onecard/{self.ann.id}").status_code, 404)
        self.assertNotIn("Ann", self.url_open("/my/onecard").text)
