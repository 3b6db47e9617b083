from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_card import CARD_STATES


class OnecardListCurrent(models.Model):
    """The black and white lists as they stand: the cards whose latest change of a
    list added them to it.

    The change log (``onecard.list.entry``) is what terminals download by version;
    this is what an operator asks: which cards are on the blacklist now, since
    when, and which of them a terminal has not loaded yet (its list version is
    older than the entry's).
    """

    _name = "onecard.list.current"
    _description = "Card Lists (current)"
    _auto = False
    _order = "list_type, since desc, id desc"
    _rec_name = "uid"

    company_id = fields.Many2one("res.company", readonly=True)
    list_type = fields.Selection(
        [("blacklist", "Blacklist"), ("whitelist", "Whitelist")], readonly=True
    )
    uid = fields.Char(string="Card UID", readonly=True)
    card_id = fields.Many2one("onecard.card", readonly=True)
    card_number = fields.Char(readonly=True)
    card_state = fields.Selection(CARD_STATES, readonly=True)
    cardholder_id = fields.Many2one("onecard.cardholder", readonly=True)
    version = fields.Integer(
        string="Since Version", readonly=True, help="List version that added the card."
    )
    since = fields.Datetime(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS
            SELECT e.id, e.company_id, e.list_type, e.uid, e.card_id,
                   c.number AS card_number, c.state AS card_state,
                   c.cardholder_id, e.version, e.date AS since
              FROM (
                SELECT DISTINCT ON (company_id, list_type, uid) *
                  FROM onecard_list_entry
                 ORDER BY company_id, list_type, uid, version DESC, id DESC
              ) e
              LEFT JOIN onecard_card c ON c.id = e.card_id
             WHERE e.action = 'add'
            """,
                SQL.identifier(self._table),
            )
        )
