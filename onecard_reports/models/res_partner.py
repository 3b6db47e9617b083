from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        """A company moving to another time zone changes the local day of every
        ledger row: the rollups (kept by local day) are emptied and folded again."""
        moved = False
        if "tz" in vals:
            companies = (
                self.env["res.company"].sudo().search([("partner_id", "in", self.ids)])
            )
            moved = any(
                (c.partner_id.tz or "") != (vals["tz"] or "") for c in companies
            )
        result = super().write(vals)
        if moved:
            self.env["onecard.report.rollup"]._rebuild()
        return result
