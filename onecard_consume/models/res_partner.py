from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        result = super().write(vals)
        if ("tz" in vals or "lang" in vals) and self.env[
            "res.company"
        ].sudo().search_count([("partner_id", "in", self.ids)]):
            # the engine caches each company's time zone and language
            self.env.registry.clear_cache()
        return result
