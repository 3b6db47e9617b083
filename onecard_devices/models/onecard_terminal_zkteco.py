import ipaddress
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..zkteco.cardno import FORMATS

ZK_CONNECTIONS = ("zk_push", "zk_pull")
HOST = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$")  # an IP (v4, v6) or a name


class OnecardTerminalZkteco(models.Model):
    """ZKTeco devices (docs/zkteco.md): trust, clock, card number format, list state.

    A device is identified only by its serial number (PUSH requests are not
    signed): an unknown serial registers as a pending terminal that books
    nothing until a manager approves it; an allowed source network per
    terminal narrows who may speak for that serial.
    """

    _inherit = "onecard.terminal"  # pylint: disable=consider-merging-classes-inherited

    connection = fields.Selection(
        selection_add=[("zk_push", "ZKTeco PUSH"), ("zk_pull", "ZKTeco Standalone")],
        ondelete={"zk_push": "set default", "zk_pull": "set default"},
    )
    zk_state = fields.Selection(
        [
            ("pending", "Pending Approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        string="Device Approval",
        default="approved",
        copy=False,
        tracking=True,
        help="A ZKTeco device that registered by itself books nothing until approved.",
    )
    zk_card_format = fields.Selection(
        [(name, name) for name in FORMATS],
        string="Card Number Format",
        default="dec_le32",
        help="How the device writes our card UID as a decimal number "
        "(check once per model with a known card).",
    )
    zk_allowed_network = fields.Char(
        string="Allowed Networks",
        help="Comma-separated addresses or networks (10.1.0.0/16) the device may call "
        "from; empty: any.",
    )
    zk_user_count = fields.Integer(
        string="Users on Device", readonly=True, help="As the device last reported."
    )
    zk_expected_user_count = fields.Integer(
        string="Users Expected", compute="_compute_zk_expected_user_count"
    )
    zk_last_time_sync = fields.Datetime(string="Clock Set", readonly=True, copy=False)
    zk_info = fields.Text(string="Device Information", readonly=True, copy=False)
    zk_host = fields.Char(
        string="Device Address", help="Standalone devices: IP address or host name."
    )
    zk_port = fields.Integer(string="Device Port", default=4370)
    zk_clear_records = fields.Boolean(
        string="Clear Records after Collection",
        help="Empty the device's attendance log once every record on it is booked. "
        "Off: the device keeps its log (it overwrites the oldest records when full).",
    )
    zk_record_count = fields.Integer(
        string="Records on Device", readonly=True, help="As the device last reported."
    )
    zk_last_collect = fields.Datetime(
        string="Last Collection", readonly=True, copy=False
    )
    zk_pull_error = fields.Char(string="Collection Error", readonly=True, copy=False)
    zk_command_ids = fields.One2many(
        "onecard.terminal.command",
        "terminal_id",
        string="Pending and Failed Commands",
        domain=[("state", "in", ("queued", "sent", "failed"))],
    )
    # The collection job's bookkeeping: when it last tried the device, and the
    # last record of the device's log already handed to the engine.
    zk_pull_attempt = fields.Datetime(
        string="Last Collection Attempt", readonly=True, copy=False
    )
    zk_pull_mark = fields.Char(
        string="Last Record Collected", readonly=True, copy=False
    )

    def _compute_zk_expected_user_count(self):
        devices = self.filtered(lambda t: t.connection in ZK_CONNECTIONS)._origin
        counts = self.env["onecard.zkteco.users"]._wanted_counts(devices)
        for terminal in self:
            terminal.zk_expected_user_count = counts.get(terminal._origin.id, 0)

    @api.depends("zk_pull_error")
    def _compute_status(self):
        """A standalone device is called every few minutes, not calling in: it is
        online while its last collection worked (and is not too old)."""
        res = super()._compute_status()
        silent = timedelta(minutes=self._silent_minutes())
        now = fields.Datetime.now()
        for terminal in self.filtered(lambda t: t.connection == "zk_pull"):
            if terminal.zk_pull_error:
                terminal.status = "offline"
            elif terminal.last_seen and now - terminal.last_seen <= silent:
                terminal.status = "online"
        return res

    @api.constrains("zk_host")
    def _check_zk_host(self):
        for terminal in self.filtered("zk_host"):
            if not HOST.match(terminal.zk_host):
                raise UserError(
                    self.env._(
                        "Device address %s: give an IP address or a host name.",
                        terminal.zk_host,
                    )
                )

    @api.constrains("zk_allowed_network")
    def _check_zk_allowed_network(self):
        for terminal in self:
            try:
                terminal._zk_networks()
            except ValueError as exc:
                raise UserError(
                    self.env._("Allowed networks: %(error)s", error=exc)
                ) from exc

    def _zk_networks(self):
        text = self.zk_allowed_network or ""
        return [
            ipaddress.ip_network(part.strip(), strict=False)
            for part in text.split(",")
            if part.strip()
        ]

    def _zk_address_allowed(self, address):
        networks = self._zk_networks()
        if not networks:
            return True
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in networks)

    def action_zk_approve(self):
        self._check_manager()
        self.write({"zk_state": "approved", "list_version": 0})
        for terminal in self:
            terminal.message_post(body=self.env._("Device approved."))

    def action_zk_refuse(self):
        self._check_manager()
        self.write({"zk_state": "refused"})

    def action_zk_resync_users(self):
        """Send the device every user again (after a device was cleared by hand)."""
        self.write({"list_version": 0})

    def action_zk_collect(self):
        """Collect now (operators): what the scheduled job does, at once."""
        if not self.env.user.has_group("onecard_consume.group_onecard_operator"):
            raise AccessError(self.env._("Only One-Card operators collect devices."))
        Pull = self.env["onecard.zkteco.pull"]
        lines = [
            Pull._collect(terminal)
            for terminal in self
            if terminal.connection == "zk_pull"
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Collection"),
                "message": "\n".join(lines),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _check_manager(self):
        if not self.env.user.has_group("onecard_consume.group_onecard_manager"):
            raise AccessError(
                self.env._("Only One-Card managers approve or refuse devices.")
            )
