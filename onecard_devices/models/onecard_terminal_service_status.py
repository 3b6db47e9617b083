"""Terminal service: status and setup messages (heartbeat, config, lists)."""

import hashlib
import json
from datetime import datetime, timezone

from odoo import fields, models

# Largest list delta sent with a heartbeat answer; beyond it the terminal asks
# /lists.
SMALL_DELTA = 200


# One handler group a file (onecard_terminal_service.py lists them): apart on purpose.
class OnecardTerminalService(models.AbstractModel):
    _inherit = "onecard.terminal.service"  # pylint: disable=consider-merging-classes-inherited

    def _msg_heartbeat(self, terminal, payload):
        """Record that the terminal is alive; tell it what changed; hand out
        commands."""
        now = fields.Datetime.now()
        drift = (
            int(payload["time"] - now.replace(tzinfo=timezone.utc).timestamp())
            if payload.get("time")
            else None
        )
        self.env.cr.execute(
            """
            UPDATE onecard_terminal SET last_seen = %s, clock_drift = COALESCE(%s,
            clock_drift),
                   firmware = COALESCE(%s, firmware), list_version = COALESCE(%s,
                   list_version), silent = false
             WHERE id = %s
        """,
            [
                now,
                drift,
                payload.get("firmware"),
                payload.get("list_version"),
                terminal.id,
            ],
        )
        terminal.invalidate_recordset(
            ["last_seen", "clock_drift", "firmware", "list_version", "silent"]
        )
        self.env["onecard.terminal.command"]._report(
            terminal, payload.get("results") or []
        )
        version = terminal.company_id.onecard_list_version
        config_version = self._config_version(terminal)
        answer = {
            "server_time": int(now.replace(tzinfo=timezone.utc).timestamp()),
            "list_version": version,
            "config_version": config_version,
            "config_changed": payload.get("config_version")
            not in (None, config_version),
            "lists_changed": payload.get("list_version") is not None
            and payload["list_version"] != version,
            "commands": self.env["onecard.terminal.command"]._hand_out(terminal),
            "epoch": terminal.seq_epoch,
        }
        since = payload.get("list_version")
        if since is not None and since != version:
            delta = self.env["onecard.list.entry"]._delta(
                terminal.company_id, since, limit=SMALL_DELTA
            )
            if delta is not None:
                answer["list_delta"] = delta
        return answer

    def _config_values(self, terminal):
        currency = terminal.currency_id
        periods = self.env["onecard.meal.period"].search(
            [("company_id", "in", [terminal.company_id.id, False])]
        )
        return {
            "terminal": terminal.code,
            "name": terminal.name,
            "kind": terminal.terminal_kind,
            "mode": terminal.mode,
            "online": terminal.online_mode,
            "fixed_amount": currency.round(terminal.fixed_amount),
            "offline_limit": currency.round(terminal.offline_limit),
            "repeat_interval": terminal.repeat_interval,
            "pin_threshold": currency.round(terminal.pin_threshold),
            "keys": [
                {"key": k.key, "name": k.name or "", "amount": currency.round(k.amount)}
                for k in terminal.key_ids.sorted("key")
            ],
            "meal_periods": [
                {
                    "code": p.code,
                    "name": p.name,
                    "start": p.start_hour,
                    "end": p.end_hour,
                }
                for p in periods
            ],
            "timezone": terminal.company_id.partner_id.tz or "UTC",
            "currency": currency.name,
            "decimals": currency.decimal_places,
            "heartbeat_interval": terminal._heartbeat_interval(),
            # two gateway hosts: where to talk, where to go when that one is down
            "primary_server": terminal.primary_server or "",
            "fallback_server": terminal.fallback_server or "",
            "failback_minutes": terminal.failback_minutes or 0,
        }

    def _config_version(self, terminal):
        blob = json.dumps(self._config_values(terminal), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def _msg_config(self, terminal, payload):
        """Settings the terminal applies, with the server clock (set_time)."""
        values = self._config_values(terminal)
        values["config_version"] = hashlib.sha256(
            json.dumps(values, sort_keys=True, default=str).encode()
        ).hexdigest()[:16]
        values["server_time"] = int(datetime.now(timezone.utc).timestamp())
        return values

    def _msg_lists(self, terminal, payload):
        """Full black/white lists, or the delta since the terminal's version."""
        company = terminal.company_id
        entries = self.env["onecard.list.entry"]
        version = company.onecard_list_version
        since = payload.get("since")
        answer = None
        if since is not None and since <= version:
            delta = entries._delta(company, since)
            if delta is not None:
                answer = {"version": version, "full": False, "entries": delta}
        if answer is None:
            answer = dict(entries._full(company), version=version, full=True)
        self.env.cr.execute(
            "UPDATE onecard_terminal SET list_version = %s WHERE id = %s",
            [version, terminal.id],
        )
        terminal.invalidate_recordset(["list_version"])
        return answer
