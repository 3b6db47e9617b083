from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import TerminalApiCase


@tagged("post_install", "-at_install")
class TestCommands(TerminalApiCase):
    def test_heartbeat_hands_out_commands_and_takes_results(self):
        self.t_amount.action_push_settings()
        self.t_amount.action_reboot()
        self.assertEqual(self.t_amount.pending_command_count, 2)
        beat = self.ok(
            self.t_amount,
            "heartbeat",
            {"firmware": "1.2.3", "time": int(fields.Datetime.now().timestamp())},
        )
        kinds = [c["kind"] for c in beat["commands"]]
        self.assertEqual(kinds, ["push_settings", "reboot"])
        self.assertEqual(beat["commands"][0]["payload"]["mode"], "amount")
        commands = self.t_amount.command_ids
        self.assertEqual(set(commands.mapped("state")), {"sent"})
        self.assertEqual(self.t_amount.firmware, "1.2.3")
        self.assertEqual(self.t_amount.status, "online")
        push, reboot = commands.sorted("id")
        # Another terminal cannot report them.
        self.ok(self.t_fixed, "heartbeat", {"results": [{"id": push.id, "ok": True}]})
        self.assertEqual(push.state, "sent")
        self.ok(
            self.t_amount,
            "heartbeat",
            {
                "results": [
                    {"id": push.id, "ok": True, "result": "applied"},
                    {"id": reboot.id, "ok": False, "result": "busy"},
                ]
            },
        )
        self.assertEqual(
            (push.state, push.result, reboot.state), ("done", "applied", "failed")
        )
        self.assertEqual(self.ok(self.t_amount, "heartbeat", {})["commands"], [])
        self.error(
            400,
            "invalid_type",
            self.t_amount,
            "heartbeat",
            {"results": [{"id": "x", "ok": True}]},
        )

    def test_config_and_version(self):
        config = self.ok(self.t_key, "config", {})
        self.assertEqual(config["mode"], "key")
        self.assertEqual(
            config["keys"],
            [
                {"key": 1, "name": "Rice", "amount": 5.0},
                {"key": 2, "name": "Noodles", "amount": 12.5},
            ],
        )
        self.assertIn("D_LUN", [p["code"] for p in config["meal_periods"]])
        self.assertEqual(config["timezone"], "Asia/Shanghai")
        beat = self.ok(
            self.t_key, "heartbeat", {"config_version": config["config_version"]}
        )
        self.assertFalse(beat["config_changed"])
        self.t_key.write({"repeat_interval": 30, "pin_threshold": 20.0})
        beat = self.ok(
            self.t_key, "heartbeat", {"config_version": config["config_version"]}
        )
        self.assertTrue(beat["config_changed"])
        self.assertEqual(self.ok(self.t_key, "config", {})["repeat_interval"], 30)

    def test_crons(self):
        Terminal = self.env["onecard.terminal"]
        serial = Terminal.create(
            {
                "name": "Polled",
                "code": "POLL",
                "canteen_id": self.canteen.id,
                "connection": "serial",
                "port_url": "socket://127.0.0.1:4001",
                "bus_address": 3,
                "serial_number": "OCTEST-SN-POLL",
            }
        )
        self.assertIn(serial, Terminal._cron_collect_records())
        self.assertNotIn(
            serial, Terminal._cron_collect_records(), "one pending collect at a time"
        )
        self.assertEqual(serial.command_ids.mapped("kind"), ["collect_records"])
        self.ok(self.t_fixed, "heartbeat", {})
        self.assertEqual(self.t_fixed.status, "online")
        old = fields.Datetime.now() - timedelta(hours=1)
        self.env.cr.execute(
            "UPDATE onecard_terminal SET last_seen = %s WHERE id = %s",
            [old, self.t_fixed.id],
        )
        self.t_fixed.invalidate_recordset()
        self.assertEqual(self.t_fixed.status, "silent")
        flagged = Terminal._cron_flag_silent()
        self.assertIn(self.t_fixed, flagged)
        self.assertTrue(self.t_fixed.silent)
        self.assertEqual(len(self.t_fixed.activity_ids), 1)
        self.assertNotIn(self.t_fixed, Terminal._cron_flag_silent(), "flagged once")
        self.ok(self.t_fixed, "heartbeat", {})
        self.assertFalse(self.t_fixed.silent)
        Terminal._cron_purge()
