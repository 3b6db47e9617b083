"""The terminal screens (issue 17.8): "never" for a terminal that never called in, on
the form, the list and the kanban; the terminal's current card lists from its form."""

from datetime import timedelta

from odoo import fields
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.onecard_consume.tests.common import setup_onecard_env


@tagged("post_install", "-at_install")
class TestTerminalScreens(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.operator = new_test_user(
            cls.env,
            login="oc_terminal_screens",
            groups="onecard_consume.group_onecard_operator",
        )
        canteen = cls.env["onecard.canteen"].create(
            {"name": "Screens Canteen", "code": "SCR"}
        )
        cls.never, cls.seen = cls.env["onecard.terminal"].create(
            [
                {
                    "name": "Tour Never Seen",
                    "code": "SCR-1",
                    "canteen_id": canteen.id,
                    "serial_number": "SN-SCR-1",
                },
                {
                    "name": "Tour Seen Terminal",
                    "code": "SCR-2",
                    "canteen_id": canteen.id,
                    "serial_number": "SN-SCR-2",
                },
            ]
        )
        holder = cls.env["onecard.cardholder"].create(
            {"name": "Screens Holder", "code": "SCR001"}
        )
        cls.card = cls.env["onecard.ledger"].issue_card(holder, "5C000001")
        # The seen terminal loaded every list version up to now.
        cls.seen.write(
            {
                "last_seen": fields.Datetime.now() - timedelta(minutes=2),
                "list_version": cls.env.company.onecard_list_version,
            }
        )

    def test_card_lists_action(self):
        """Loaded terminal: nothing pending; a card reported lost afterwards is one
        card the terminal has not loaded, and the action opens the lists with the
        "not loaded" filter on, for the terminal's version and company."""
        self.assertEqual(self.seen.list_pending_count, 0)
        self.assertGreaterEqual(self.never.list_pending_count, 1, "never loaded")
        self.card.report_lost()
        self.env.flush_all()
        self.seen.invalidate_recordset(["list_pending_count"])
        self.assertEqual(self.seen.with_user(self.operator).list_pending_count, 1)
        action = self.seen.with_user(self.operator).action_view_card_lists()
        self.assertEqual(action["res_model"], "onecard.list.current")
        self.assertEqual(
            action["context"]["onecard_list_version"], self.seen.list_version
        )
        self.assertEqual(action["context"]["search_default_not_loaded"], 1)
        rows = self.env["onecard.list.current"].search(
            action["domain"]
            + [("version", ">", action["context"]["onecard_list_version"])]
        )
        self.assertEqual(rows.mapped("uid"), ["5C000001"])
        self.assertEqual(rows.list_type, "blacklist")

    def test_form_shows_status_and_lists(self):
        with Form(self.never.with_user(self.operator)) as form:
            self.assertEqual(form.status, "never")
            self.assertFalse(form.last_seen)
            self.assertGreaterEqual(form.list_pending_count, 1)

    def test_never_tour(self):
        self.start_tour(
            "/odoo/action-onecard_devices.onecard_terminal_dashboard_action",
            "onecard_terminal_never_tour",
            login=self.operator.login,
        )
