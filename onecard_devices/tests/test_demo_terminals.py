"""The demo's terminals (issue 17.7): each with its serial number and own secret,
every connection kind, several seen recently, and the cards issued before this addon
on their lists. Run only where demo data was loaded (tests/run, step f5)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "onecard_demo")
class TestDemoTerminals(TransactionCase):
    def setUp(self):
        super().setUp()
        if not self.env.ref(
            "onecard_devices.demo_terminal_105", raise_if_not_found=False
        ):
            self.skipTest(
                "OneCard demo data not loaded: these tests read a demo database "
                "(tests/run, step f5: DEMO_TESTS=1)"
            )
        self.terminals = self.env["onecard.terminal"].search([])

    def test_serials_and_own_secrets(self):
        serials = self.terminals.mapped("serial_number")
        self.assertTrue(all(serials))
        self.assertEqual(len(set(serials)), len(self.terminals))
        secrets = self.terminals.sudo().mapped("secret")
        self.assertTrue(all(secrets))
        self.assertEqual(len(set(secrets)), len(self.terminals))

    def test_connections(self):
        connections = self.terminals.mapped("connection")
        self.assertEqual(connections.count("tcp"), 1)
        self.assertEqual(connections.count("serial"), 1)
        serial = self.terminals.filtered(lambda t: t.connection == "serial")
        self.assertTrue(serial.port_url and serial.bus_address)

    def test_seen_recently(self):
        hour_ago = fields.Datetime.now() - timedelta(hours=1)
        seen = self.terminals.filtered(lambda t: t.last_seen and t.last_seen > hour_ago)
        self.assertGreaterEqual(len(seen), 2)
        # not "online": that lasts seconds, and nothing calls in after the install
        self.assertNotIn("never", seen.mapped("status"))
        self.assertIn("never", self.terminals.mapped("status"))
        self.assertTrue(all(seen.mapped("firmware")))

    def test_lists_hold_the_demo_cards(self):
        """Cards issued by onecard_consume's demo, before this addon existed, are on
        their lists: the card reported lost on the blacklist, live cards on the
        whitelist."""
        self.env.flush_all()
        Current = self.env["onecard.list.current"]
        lost = self.env["onecard.card"].search([("state", "=", "lost")])
        self.assertTrue(lost)
        self.assertEqual(
            set(Current.search([("list_type", "=", "blacklist")]).mapped("uid")),
            set(lost.mapped("uid")),
        )
        active = self.env["onecard.card"].search(
            [("state", "=", "active"), ("kind", "in", ("official", "temporary"))]
        )
        self.assertEqual(
            Current.search_count([("list_type", "=", "whitelist")]), len(active)
        )
