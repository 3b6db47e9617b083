import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.onecard_consume.models.onecard_terminal import (
    OnecardTerminal as ConsumeTerminal,
)

from ..lib.servers import parse_address

STATUS = [
    ("never", "Never Seen"),
    ("online", "Online"),
    ("offline", "Offline"),
    ("silent", "Silent"),
]


class OnecardTerminal(models.Model):
    """Connection, protocol and status of a physical terminal."""

    _name = "onecard.terminal"
    _inherit = ["onecard.terminal", "mail.thread", "mail.activity.mixin"]
    # The terminal service caches kind, serial and secret
    # (onecard.terminal.service._terminal_meta / _secret).
    _onecard_cache_fields = ConsumeTerminal._onecard_cache_fields + (
        "terminal_kind",
        "serial_number",
        "secret",
    )

    terminal_kind = fields.Selection(
        [
            ("consume", "Consumption Terminal"),
            ("cashier", "Cashier Terminal"),
            ("subsidy", "Subsidy Terminal"),
            ("kiosk", "Self-service Kiosk"),
        ],
        default="consume",
        required=True,
    )
    connection = fields.Selection(
        [("http", "HTTP"), ("tcp", "TCP"), ("serial", "RS-485 Serial")],
        default="http",
        required=True,
    )
    serial_number = fields.Char(copy=False, index=True)
    secret = fields.Char(
        copy=False,
        groups="onecard_consume.group_onecard_manager",
        default=lambda self: secrets.token_hex(32),
        help="Shared key signing the terminal's requests (HMAC-SHA256).",
    )
    port_url = fields.Char(
        string="Port URL",
        help="pyserial URL: /dev/ttyUSB0, socket://host:port, a pty path.",
    )
    bus_address = fields.Integer(help="RS-485 bus address (1-254).")
    # Two gateway hosts: the terminal talks to the primary and moves to the fallback
    # when the primary stops answering (docs/binary-protocol.md, "Two servers").
    primary_server = fields.Char(
        help="Server the terminal talks to: host:port of a gateway (TCP) or base URL "
        "(HTTP). Empty: the address set on the terminal itself.",
    )
    fallback_server = fields.Char(
        help="Server the terminal moves to when the primary refuses connections or "
        "leaves frames unanswered: host:port (TCP) or base URL (HTTP).",
    )
    failback_minutes = fields.Integer(
        string="Back to Primary After",
        default=10,
        help="Minutes on the fallback server before the terminal tries the primary "
        "again (it also goes back at once when the fallback fails).",
    )
    online_mode = fields.Boolean(
        string="Online",
        default=True,
        help="Online terminals ask per swipe; offline ones keep a whitelist and "
        "upload later.",
    )
    offline_limit = fields.Monetary(
        help="Largest amount an offline terminal accepts without asking."
    )
    last_seen = fields.Datetime(readonly=True)
    clock_drift = fields.Integer(
        readonly=True, help="Terminal clock minus server clock, seconds."
    )
    firmware = fields.Char(readonly=True)
    last_seq = fields.Integer(
        string="Last Record Sequence",
        readonly=True,
        help="Highest offline record number uploaded in the current sequence epoch.",
    )
    seq_epoch = fields.Integer(
        string="Sequence Epoch",
        readonly=True,
        default=0,
        copy=False,
        help="Records are numbered (epoch, sequence). The terminal asks for a new "
        "epoch (sequence_reset) after "
        "its counter was legitimately reset; records of older epochs keep their "
        "identity.",
    )
    sequence_conflict_count = fields.Integer(
        string="Sequence Conflicts",
        readonly=True,
        copy=False,
        default=0,
        help="Requests refused because their record number or key had been used for "
        "another request "
        "(counter reset, replaced main board, cloned configuration).",
    )
    last_sequence_conflict = fields.Datetime(readonly=True, copy=False)
    sequence_alert = fields.Boolean(
        readonly=True,
        copy=False,
        help="Set by a sequence conflict, cleared when an operator has reviewed it.",
    )
    list_version = fields.Integer(string="List Version Loaded", readonly=True)
    silent = fields.Boolean(
        readonly=True, help="Set by the watchdog when the terminal stopped calling in."
    )
    status = fields.Selection(STATUS, compute="_compute_status")
    command_ids = fields.One2many(
        "onecard.terminal.command", "terminal_id", string="Commands"
    )
    pending_command_count = fields.Integer(compute="_compute_pending_command_count")
    operator_user_id = fields.Many2one(
        "res.users", string="Logged-in Operator", readonly=True
    )
    operator_session = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )
    operator_since = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "serial_uniq",
            "unique(serial_number)",
            "The serial number identifies one terminal.",
        ),
        (
            "failback_minutes_positive",
            "CHECK(failback_minutes IS NULL OR failback_minutes >= 0)",
            "The minutes before going back to the primary server cannot be negative.",
        ),
    ]

    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS onecard_operation_terminal_time_idx
                ON onecard_operation (terminal_id, business_time) WHERE terminal_id IS
                NOT NULL
        """)

    @api.model
    def _silent_minutes(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("onecard_devices.silent_minutes", 10)
        )

    def _heartbeat_interval(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("onecard_devices.heartbeat_interval", 5)
        )

    @api.depends("last_seen")
    def _compute_status(self):
        now = fields.Datetime.now()
        online = timedelta(seconds=max(self._heartbeat_interval() * 3, 30))
        silent = timedelta(minutes=self._silent_minutes())
        for terminal in self:
            if not terminal.last_seen:
                terminal.status = "never"
            elif now - terminal.last_seen <= online:
                terminal.status = "online"
            elif now - terminal.last_seen <= silent:
                terminal.status = "offline"
            else:
                terminal.status = "silent"

    @api.depends("command_ids.state")
    def _compute_pending_command_count(self):
        counts = dict(
            self.env["onecard.terminal.command"]._read_group(
                [("terminal_id", "in", self.ids), ("state", "in", ("queued", "sent"))],
                ["terminal_id"],
                ["__count"],
            )
        )
        for terminal in self:
            terminal.pending_command_count = counts.get(terminal, 0)

    @api.constrains("primary_server", "fallback_server")
    def _check_servers(self):
        for terminal in self:
            for name in ("primary_server", "fallback_server"):
                value = terminal[name]
                if not value:
                    continue
                try:
                    parse_address(value)
                except ValueError:
                    raise ValidationError(
                        self.env._(
                            "Terminal %(terminal)s: %(address)s is not a server "
                            "address; write host:port (TCP gateway) or "
                            "http://host:port (HTTP).",
                            terminal=terminal.display_name,
                            address=value,
                        )
                    ) from None

    # ------------------------------------------------------------ actions
    def _queue(self, kind):
        self.env["onecard.terminal.command"].create(
            [{"terminal_id": t.id, "kind": kind} for t in self]
        )

    def action_push_settings(self):
        self._queue("push_settings")

    def action_push_lists(self):
        self._queue("push_lists")

    def action_set_time(self):
        self._queue("set_time")

    def action_collect_records(self):
        self._queue("collect_records")

    def action_reboot(self):
        self._queue("reboot")

    def action_regenerate_secret(self):
        for terminal in self:
            terminal.sudo().secret = secrets.token_hex(32)
        return self[:1].action_show_secret() if len(self) == 1 else None

    def action_show_secret(self):
        """Serial number and secret for the terminal's setup (managers: the secret field
        is theirs only)."""
        self.ensure_one()
        if not self.env.user.has_group("onecard_consume.group_onecard_manager"):
            raise AccessError(
                self.env._("Only One-Card managers can see terminal secrets.")
            )
        if not self.serial_number:
            raise UserError(
                self.env._(
                    "Give the terminal its serial number first (Connection tab)."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "onecard.terminal.secret.show",
            "name": self.env._("Terminal Secret"),
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_terminal_name": self.name,
                "default_serial_number": self.serial_number,
                "default_secret": self.sudo().secret,
            },
        }

    def action_clear_sequence_alert(self):
        """The operator reviewed the conflicts (the chatter lists them): close the alert
        and its activities."""
        self.activity_ids.filtered(
            lambda a: a.activity_type_id == self._conflict_activity_type()
        ).action_feedback(feedback=self.env._("Reviewed"))
        self.sudo().write({"sequence_alert": False})

    def action_view_commands(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Commands"),
            "res_model": "onecard.terminal.command",
            "view_mode": "list,form",
            "domain": [("terminal_id", "in", self.ids)],
            "context": {"default_terminal_id": self[:1].id},
        }

    # ------------------------------------------------------------ sequences
    def _conflict_activity_type(self):
        return self.env.ref("onecard_devices.mail_activity_sequence_conflict")

    @api.model
    def _sequence_conflicts(self, conflicts):
        """Alert on the terminals: a counter, an open alert, a chatter line per
        conflict, one activity.

        Called by the engine in the transaction that refused the requests (only
        when there are conflicts: the hot path pays nothing).
        """
        res = super()._sequence_conflicts(conflicts)
        by_terminal = {}
        for conflict in conflicts:
            by_terminal.setdefault(conflict["terminal_id"], []).append(conflict)
        now = fields.Datetime.now()
        activity_type = self._conflict_activity_type()
        for terminal in (
            self.sudo().with_context(active_test=False).browse(list(by_terminal))
        ):
            found = by_terminal[terminal.id]
            lines = [
                self.env._(
                    "Record %(epoch)s:%(seq)s (key %(key)s) reused by another "
                    "request: card %(uid)s, "
                    "amount %(amount)s, keypad key %(keypad)s, offline "
                    "%(offline)s, time %(time)s (UTC). "
                    "Refused, nothing booked.",
                    epoch=c["epoch"] if c["epoch"] is not None else "-",
                    seq=c["seq"] if c["seq"] is not None else "-",
                    key=c["idempotency_key"] or "-",
                    uid=c["uid"] or "-",
                    amount=c["amount"] if c["amount"] is not None else "-",
                    keypad=c["key"] if c["key"] is not None else "-",
                    offline=c["offline"],
                    time=c["business_time"] or "-",
                )
                for c in found
            ]
            terminal.message_post(
                body=self.env._("Sequence conflict: %(lines)s", lines=" ".join(lines))
            )
            if not terminal.sequence_alert:
                terminal.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=terminal.create_uid.id or self.env.uid,
                    summary=self.env._(
                        "Sequence conflict on terminal %s", terminal.name
                    ),
                    note=self.env._(
                        "The terminal sent record numbers or keys already used "
                        "for other requests: its counter "
                        "was reset, its main board replaced or its configuration "
                        "cloned. The requests were "
                        "refused. Check the terminal, then let it start a new "
                        "sequence epoch."
                    ),
                )
            # An increment in SQL: two batches refusing requests of one terminal at once
            # both count.
            self.env.cr.execute(
                """UPDATE onecard_terminal SET sequence_conflict_count =
                                          COALESCE(sequence_conflict_count, 0) + %s,
                                          last_sequence_conflict = %s, sequence_alert =
                                          true WHERE id = %s""",
                [len(found), now, terminal.id],
            )
            terminal.invalidate_recordset(
                ["sequence_conflict_count", "last_sequence_conflict", "sequence_alert"]
            )
        return res

    def _start_sequence_epoch(self):
        """A new sequence epoch for this terminal (its counter restarts at 1): return
        it."""
        self.ensure_one()
        self.env.cr.execute(
            """UPDATE onecard_terminal SET seq_epoch = seq_epoch + 1, last_seq = 0
                                WHERE id = %s RETURNING seq_epoch""",
            [self.id],
        )
        epoch = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["seq_epoch", "last_seq"])
        self.message_post(
            body=self.env._(
                "Sequence epoch %s started: the terminal numbers its records "
                "from 1 again.",
                epoch,
            )
        )
        return epoch

    # ------------------------------------------------------------ crons
    @api.model
    def _cron_flag_silent(self):
        """Flag terminals not heard from for N minutes: an activity for the responsible,
        once."""
        limit = fields.Datetime.now() - timedelta(minutes=self._silent_minutes())
        terminals = self.search(
            [
                ("silent", "=", False),
                ("last_seen", "!=", False),
                ("last_seen", "<", limit),
            ]
        )
        activity_type = self.env.ref(
            "mail.mail_activity_data_warning", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        for terminal in terminals:
            terminal.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=terminal.create_uid.id or self.env.uid,
                summary=self.env._("Terminal %s is silent", terminal.name),
                note=self.env._("No heartbeat since %s (UTC).", terminal.last_seen),
            )
        terminals.write({"silent": True})
        return terminals

    @api.model
    def _cron_collect_records(self):
        """Polled (serial) terminals cannot call in: queue a collect_records command for
        the gateway."""
        terminals = self.search([("connection", "=", "serial")])
        busy = (
            self.env["onecard.terminal.command"]
            .search(
                [
                    ("terminal_id", "in", terminals.ids),
                    ("kind", "=", "collect_records"),
                    ("state", "in", ("queued", "sent")),
                ]
            )
            .terminal_id
        )
        (terminals - busy)._queue("collect_records")
        return terminals - busy

    @api.model
    def _cron_purge(self):
        """Drop old nonces (stale timestamps are refused anyway) and finished commands
        after 30 days."""
        self.env["onecard.terminal.nonce"]._purge()
        old = fields.Datetime.now() - timedelta(days=30)
        self.env["onecard.terminal.command"].search(
            [("state", "in", ("done", "failed")), ("write_date", "<", old)]
        ).unlink()
