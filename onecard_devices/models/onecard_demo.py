from datetime import timedelta

from odoo import api, fields, models

# code: (minutes since the last call, firmware, list versions behind, clock drift s)
SEEN = {
    "T101": (0.3, "OC-2.4.1", 0, 1),
    "T102": (0.5, "OC-2.4.1", 0, -2),
    "T103": (3, "OC-485-1.9", 0, 4),
    "T104": (6, "OC-2.3.0", 2, 0),
    "T201": (0.2, "OC-2.4.1", 0, 0),
    "T202": (1, "OC-2.4.1", 0, 1),
    "T204": (25, "OC-2.4.0", 0, -31),
    "T301": (0.4, "OC-CASH-1.2", 0, 0),
}  # T105, T203 and the kiosk T302 have never called in


class OnecardDemo(models.AbstractModel):
    _inherit = "onecard.demo"

    @api.model
    def _demo_terminals_seen(self):
        """The terminal status of a canteen at work: what heartbeats leave (last seen,
        firmware, clock drift, list version held), minutes before the demo was
        loaded; one terminal behind on its lists, one silent for a while."""
        now = fields.Datetime.now()
        terminals = self.env["onecard.terminal"].search([("code", "in", list(SEEN))])
        for terminal in terminals:
            minutes, firmware, behind, drift = SEEN[terminal.code]
            version = terminal.company_id.onecard_list_version
            terminal.write(
                {
                    "last_seen": now - timedelta(minutes=minutes),
                    "firmware": firmware,
                    "clock_drift": drift,
                    "list_version": max(version - behind, 0),
                    "silent": minutes > terminal._silent_minutes(),
                }
            )
