from odoo import api, fields, models

COMMAND_KINDS = [
    ("set_time", "Set Clock"),
    ("push_settings", "Push Settings"),
    ("push_lists", "Push Lists"),
    ("collect_records", "Collect Records"),
    ("reboot", "Reboot"),
    ("info", "Device Information"),
    ("user_update", "Set Device User"),
    ("user_delete", "Delete Device User"),
]


class OnecardTerminalCommand(models.Model):
    """A command waiting for a terminal: handed out with the heartbeat answer
    (HTTP) or sent by the gateway (serial/TCP); the terminal reports the result."""

    _name = "onecard.terminal.command"
    _description = "Terminal Command"
    _order = "id desc"

    terminal_id = fields.Many2one(
        "onecard.terminal", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="terminal_id.company_id", store=True)
    kind = fields.Selection(COMMAND_KINDS, required=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    result = fields.Char(readonly=True)
    # ZKTeco device users (onecard.zkteco.service): who, and the list version the
    # command brings the device to once every command of that version is done.
    device_pin = fields.Char(string="Device User", readonly=True)
    device_name = fields.Char(readonly=True)
    device_card = fields.Char(readonly=True)
    list_version = fields.Integer(readonly=True)
    sent_date = fields.Datetime(readonly=True)
    done_date = fields.Datetime(readonly=True)

    def _payload(self):
        self.ensure_one()
        if self.kind == "set_time":
            return {"server_time": int(fields.Datetime.now().timestamp())}
        if self.kind == "push_settings":
            return self.env["onecard.terminal.service"]._msg_config(
                self.terminal_id, {}
            )
        if self.kind == "push_lists":
            return {"list_version": self.terminal_id.company_id.onecard_list_version}
        if self.kind == "collect_records":
            return {"since_seq": self.terminal_id.last_seq}
        return {}

    @api.model
    def _hand_out(self, terminal):
        """Queued commands of a terminal as plain dicts, marked sent (re-sent while not
        reported)."""
        commands = self.search(
            [("terminal_id", "=", terminal.id), ("state", "in", ("queued", "sent"))],
            order="id",
            limit=20,
        )
        answer = [
            {"id": c.id, "kind": c.kind, "payload": c._payload()} for c in commands
        ]
        queued = commands.filtered(lambda c: c.state == "queued")
        if queued:
            queued.write({"state": "sent", "sent_date": fields.Datetime.now()})
        return answer

    @api.model
    def _report(self, terminal, results):
        """Results reported by the terminal: [{id, ok, result}]; others' commands are
        ignored."""
        for item in results:
            command = self.search(
                [
                    ("id", "=", item["id"]),
                    ("terminal_id", "=", terminal.id),
                    ("state", "in", ("queued", "sent")),
                ]
            )
            command.write(
                {
                    "state": "done" if item["ok"] else "failed",
                    "result": (item.get("result") or "")[:128],
                    "done_date": fields.Datetime.now(),
                }
            )

    def action_retry(self):
        self.write(
            {"state": "queued", "result": False, "sent_date": False, "done_date": False}
        )
