from odoo import api, fields, models

from odoo.addons.onecard_consume.models.onecard_card import LIVE_STATES


class OnecardListEntry(models.Model):
    """One change of the terminals' card lists, at one list version.

    Every card state change (issue, lost, found, freeze, unfreeze, return,
    replace) and every freeze or unfreeze of an account bumps the company's list
    version and appends the resulting add/remove rows, so a terminal asks only for
    what changed since the version it holds. Blacklist: lost and frozen cards, and
    the active cards of a frozen account (refused even offline). Whitelist: active
    payment cards of active accounts (the only cards an offline terminal accepts).
    """

    _name = "onecard.list.entry"
    _description = "Card List Change"
    _order = "version, id"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, index=True)
    version = fields.Integer(required=True)
    card_id = fields.Many2one("onecard.card", ondelete="set null")
    uid = fields.Char(string="Card UID", required=True)
    list_type = fields.Selection(
        [("blacklist", "Blacklist"), ("whitelist", "Whitelist")], required=True
    )
    action = fields.Selection([("add", "Add"), ("remove", "Remove")], required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)

    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS onecard_list_entry_company_version_idx ON
            onecard_list_entry (company_id, version)
        """)

    @api.model
    def _membership(self, state, kind, account_state="active"):
        """Lists a card in this state, of an account in ``account_state``, belongs
        to. A frozen account puts its active cards on the blacklist: offline
        terminals and devices cannot ask for the account's state."""
        lists = set()
        if state in ("lost", "frozen"):
            lists.add("blacklist")
        elif state == "active" and account_state == "frozen":
            lists.add("blacklist")
        elif state == "active" and kind in ("official", "temporary"):
            lists.add("whitelist")
        return lists

    @api.model
    def _card_lists(self, card):
        return self._membership(card.state, card.kind, card.cardholder_id.state)

    @api.model
    def _record(self, changes):
        """changes: [(card, lists_before, lists_after)]; one new version per company."""
        rows_by_company = {}
        for card, before, after in changes:
            rows = rows_by_company.setdefault(card.company_id.id, [])
            rows += [(card, name, "add") for name in sorted(after - before)]
            rows += [(card, name, "remove") for name in sorted(before - after)]
        now = fields.Datetime.now()
        for company_id, rows in rows_by_company.items():
            if not rows or not company_id:
                continue
            self.env.cr.execute(
                """
                UPDATE res_company SET onecard_list_version = onecard_list_version + 1
                WHERE id = %s
                RETURNING onecard_list_version
            """,
                [company_id],
            )
            version = self.env.cr.fetchone()[0]
            self.sudo().create(
                [
                    {
                        "company_id": company_id,
                        "version": version,
                        "card_id": card.id,
                        "uid": card.uid,
                        "list_type": name,
                        "action": action,
                        "date": now,
                    }
                    for card, name, action in rows
                ]
            )
        self.env["res.company"].invalidate_model(["onecard_list_version"])

    @api.model
    def _seed(self):
        """Put the cards that exist when this addon is installed on their lists (one
        version per company), as if they had just been issued: cards issued before
        (onecard_consume alone, its demo data) would otherwise be on no list until
        their state changes, and terminals asking for changes would get none."""
        cards = self.env["onecard.card"].sudo().search([("state", "in", LIVE_STATES)])
        self._record([(card, set(), self._card_lists(card)) for card in cards])

    @api.model
    def _delta(self, company, since, limit=None):
        """Changes after version ``since``, last action per (uid, list); None when a
        full list is cheaper."""
        if since is None or since > company.onecard_list_version:
            return None
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (uid, list_type) uid, list_type, action, version
              FROM onecard_list_entry WHERE company_id = %s AND version > %s
             ORDER BY uid, list_type, version DESC, id DESC
        """,
            [company.id, since],
        )
        rows = self.env.cr.fetchall()
        if limit and len(rows) > limit:
            return None
        rows.sort(key=lambda r: (r[3], r[0], r[1]))
        return [
            {"uid": uid, "list": name, "action": action, "version": version}
            for uid, name, action, version in rows
        ]

    @api.model
    def _full(self, company):
        self.env.cr.execute(
            """
            SELECT c.uid, c.state, c.kind, h.state FROM onecard_card c
              JOIN onecard_cardholder h ON h.id = c.cardholder_id
             WHERE c.company_id = %s AND c.state IN %s ORDER BY c.uid
        """,
            [company.id, LIVE_STATES],
        )
        blacklist, whitelist = [], []
        for uid, state, kind, account_state in self.env.cr.fetchall():
            lists = self._membership(state, kind, account_state)
            if "blacklist" in lists:
                blacklist.append(uid)
            if "whitelist" in lists:
                whitelist.append(uid)
        return {"blacklist": blacklist, "whitelist": whitelist}
