from odoo import api, models


class OnecardConfigCache(models.AbstractModel):
    """Settings the consumption engine caches per process (terminals, categories,
    meal periods): changing them clears the cache, in every worker."""

    _name = "onecard.config.cache"
    _description = "Engine Settings Cache"
    _onecard_cache_fields = None  # None: every field matters

    def _onecard_clear_cache(self, vals=None):
        if (
            vals is None
            or self._onecard_cache_fields is None
            or set(vals) & set(self._onecard_cache_fields)
        ):
            self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._onecard_clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._onecard_clear_cache(vals)
        return result

    def unlink(self):
        result = super().unlink()
        self._onecard_clear_cache()
        return result
