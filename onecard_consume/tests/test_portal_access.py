from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_portal import PortalCase

MODELS = (
    "onecard.cardholder",
    "onecard.card",
    "onecard.wallet",
    "onecard.operation",
    "onecard.transaction",
)


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalCase):
    """Record rules, not controller checks: what a portal user reaches through
    the ORM (which is what JSON-RPC's search_read / read run)."""

    def holders_of(self, model, user):
        records = self.env[model].with_user(user).search([])
        field = "cardholder_id" if model != "onecard.cardholder" else "id"
        return records.sudo().mapped(field) if field != "id" else records.sudo()

    def test_own_account_only(self):
        for model in MODELS:
            self.assertEqual(self.holders_of(model, self.user_a), self.ann, model)
            self.assertEqual(self.holders_of(model, self.user_b), self.ben, model)

    def test_guardian_sees_exactly_dependants(self):
        for model in MODELS:
            self.assertEqual(
                self.holders_of(model, self.user_g), self.cai | self.dan, model
            )

    def test_other_by_id_refused(self):
        """By record id: read / search_read with the id of B's records."""
        ben_records = {
            "onecard.cardholder": self.ben,
            "onecard.card": self.cards[self.ben],
            "onecard.wallet": self.ben.wallet_ids,
            "onecard.transaction": self.env["onecard.transaction"].search(
                [("cardholder_id", "=", self.ben.id)]
            ),
            "onecard.operation": self.env["onecard.operation"].search(
                [("cardholder_id", "=", self.ben.id)]
            ),
        }
        for model, records in ben_records.items():
            self.assertTrue(records, model)
            as_a = self.env[model].with_user(self.user_a)
            with self.assertRaises(AccessError, msg=model):
                as_a.browse(records.ids).read(["display_name"])
            self.assertFalse(
                as_a.search_read([("id", "in", records.ids)], ["display_name"]), model
            )

    def test_no_write(self):
        with self.assertRaises(AccessError):
            self.ann.with_user(self.user_a).write({"name": "Mallory"})
        with self.assertRaises(AccessError):
            self.cards[self.ann].with_user(self.user_a).report_lost()
        self.assertEqual(self.cards[self.ann].state, "active")

    def test_only_allowed_fields(self):
        holder = self.ann.with_user(self.user_a)
        [values] = holder.read()
        self.assertNotIn("pin_failures", values)
        self.assertNotIn("usage_day_amount", values)
        self.assertEqual(values["cash_balance"], 100.0)
        for model, field in (
            ("onecard.cardholder", "pin_failures"),
            ("onecard.cardholder", "employee_id"),
            ("onecard.card", "uid"),
            ("onecard.transaction", "hash"),
            ("onecard.transaction", "idempotency_key"),
            ("onecard.operation", "result"),
            ("onecard.wallet", "chain_head"),
        ):
            with self.assertRaises(AccessError, msg=f"{model}.{field}"):
                self.env[model].with_user(self.user_a).search_read([], [field])
        # internal users are not concerned
        [row] = self.ann.with_user(self.operator).read(["pin_failures"])
        self.assertEqual(row["pin_failures"], 0)

    def test_payment_transactions(self):
        provider = self.env["payment.provider"].search([], limit=1)
        method = self.env["payment.method"].search([], limit=1)
        Tx = self.env["payment.transaction"]
        tx_a, tx_b, tx_other = Tx.create(
            [
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "amount": 10.0,
                    "currency_id": self.currency.id,
                    "partner_id": partner.id,
                    "reference": ref,
                    "onecard_cardholder_id": holder.id,
                }
                for ref, holder, partner in (
                    ("OC-A-1", self.ann, self.user_a.partner_id),
                    ("OC-B-1", self.ben, self.user_b.partner_id),
                    ("OTHER-1", self.env["onecard.cardholder"], self.user_a.partner_id),
                )
            ]
        )
        self.assertEqual(Tx.with_user(self.user_a).search([]), tx_a)
        self.assertEqual(Tx.with_user(self.user_b).search([]), tx_b)
        with self.assertRaises(AccessError):
            tx_b.with_user(self.user_a).read(["reference"])
        with self.assertRaises(AccessError):
            tx_other.with_user(self.user_a).read(["reference"])
        with self.assertRaises(AccessError):
            Tx.with_user(self.user_a).search_read([], ["provider_reference"])
