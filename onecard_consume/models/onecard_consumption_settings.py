"""The settings the swipe engine reads, cached per process.

Terminals, cardholder categories and meal periods are looked up once (ormcache,
cleared when they change: ``onecard.config.cache``) and held as the swipe rules'
records (``tools/swipe_rules.py``); ``_settings_memo`` holds what was looked up in a
per-process dict that costs one ormcache hit per batch instead of one per lookup.
"""

import pytz

from odoo import api, models, tools

from ..tools import swipe_rules as rules

# database name -> (generation token, {(method, key): settings}): see _settings_memo.
_SETTINGS = {}


class OnecardConsumptionSettings(models.AbstractModel):
    # one model, one file per step (see onecard_consumption.py)
    _inherit = "onecard.consumption"  # pylint: disable=consider-merging-classes-inherited

    def _memo(self, memo, method, key, model=None):
        """Cached settings from ``_settings_memo`` (an ormcache hit costs more than a
        dict)."""
        if (method, key) not in memo:
            memo[(method, key)] = getattr(model if model is not None else self, method)(
                key
            )
        return memo[(method, key)]

    @api.model
    @tools.ormcache()
    def _settings_generation(self):
        """A new token each time Odoo's default ormcache is cleared: settings changed
        (here, or signalled by another worker), or the entry was evicted."""
        return object()

    def _settings_memo(self):
        """The settings looked up so far (terminals, categories, meal periods), per
        process.

        Every ormcache hit goes through the decorator package's
        inspect.Signature.bind twice (the method, then the LRU's lock): at ~4 hits
        per swipe a fifth of the engine's CPU. This memo is one ormcache hit per
        batch: it is thrown away when ``_settings_generation`` changes, i.e. when the
        cache the values came from was cleared.
        """
        generation = self._settings_generation()
        entry = _SETTINGS.get(self.env.cr.dbname)
        if entry is None or entry[0] is not generation:
            entry = _SETTINGS[self.env.cr.dbname] = (generation, {})
        return entry[1]

    # ----------------------------------------------------- cached settings
    @api.model
    @tools.ormcache("terminal_id")
    def _terminal_conf(self, terminal_id):
        """What the engine needs of a terminal and its company (never mutate it): where
        its sales are booked, and under "rules" the settings the swipe rules read."""
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .browse(terminal_id)
        )
        company = terminal.company_id
        # From the table, not the one2many: the ORM cache of the terminal's history may
        # predate a move.
        self.env["onecard.terminal.assignment"].flush_model(["terminal_id", "date_to"])
        self.env.cr.execute(
            "SELECT max(date_to) FROM onecard_terminal_assignment WHERE "
            "terminal_id = %s",
            [terminal_id],
        )
        moved_at = self.env.cr.fetchone()[0]
        return {
            "id": terminal.id,
            "company_id": company.id,
            "canteen_id": terminal.canteen_id.id,
            "consume_category_id": terminal.consume_category_id.id,
            "analytic_account_id": terminal.canteen_id.analytic_account_id.id,
            "payable_partner_id": terminal.canteen_id.partner_id.id
            if terminal.canteen_id.posting == "payable"
            else False,
            "moved_at": moved_at,
            "tz": pytz.timezone(company.partner_id.tz or "UTC"),  # once, not per swipe
            "rules": rules.Terminal(
                id=terminal.id,
                mode=terminal.mode,
                fixed_amount=terminal.fixed_amount,
                repeat_interval=terminal.repeat_interval,
                pin_threshold=terminal.pin_threshold,
                keys={k.key: k.amount for k in terminal.key_ids},
                rounding=company.currency_id.rounding,
                spend_order=company.onecard_spend_order,
            ),
        }

    @api.model
    @tools.ormcache("category_id")
    def _category_conf(self, category_id):
        category = (
            self.env["onecard.cardholder.category"].sudo().browse(category_id or [])
        )
        return rules.Category(
            discount=category.discount_percent or 0.0,
            meal_limit=category.meal_limit or 0.0,
            daily_limit=category.daily_limit or 0.0,
            meals_per_period=max(category.meals_per_period or 1, 1),
            credit_limit=category.credit_limit or 0.0,
            pin_threshold=category.pin_threshold or 0.0,
            terminals=frozenset(category.allowed_terminal_ids.ids),
            periods=frozenset(category.allowed_meal_period_ids.ids),
            prices={
                price.meal_period_id.id: price.price
                for price in category.meal_price_ids
            },
        )

    @api.model
    @tools.ormcache("company_id")
    def _meal_periods(self, company_id):
        periods = (
            self.env["onecard.meal.period"]
            .sudo()
            .search([("company_id", "in", [company_id, False])])
        )
        return tuple(
            rules.MealPeriod(period.id, period.start_hour, period.end_hour)
            for period in periods
        )

    def _find_period(self, company_id, local):
        """The company's meal period open at a local datetime, or False."""
        return rules.find_period(self._meal_periods(company_id), local)
