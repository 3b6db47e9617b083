"""ZKTeco device users: who should be on a device, and the commands that get them there.

Shared by the PUSH service (commands handed out at the device's poll) and the
standalone pull (commands run at once through pyzk). Device users follow the
company's versioned card lists: a device that acknowledged version V gets the
user updates and deletions of the cards changed since V; a new or
re-synchronised device (version 0) gets every wanted user. The acknowledged
version moves only when every command of it is finished.
"""

from odoo import models
from odoo.tools import SQL

from ..zkteco.cardno import CardNoError, uid_to_device

LIST_KINDS = ("user_update", "user_delete")


class OnecardZktecoUsers(models.AbstractModel):
    _name = "onecard.zkteco.users"
    _description = "ZKTeco Device Users"

    def _queue_users(self, terminal, device_pins=None):
        """Queue the user changes since the version the device acknowledged.

        ``device_pins``: the PINs the device holds, when the caller could read
        them (pull). A full list then also deletes the holders of ours the
        device has but should not (after a category change, say); PINs that
        are no cardholder of the company (enrolled at the device) are left.
        """
        company = terminal.company_id
        target = company.onecard_list_version
        Command = self.env["onecard.terminal.command"].sudo()
        if terminal.list_version >= target or Command.search_count(
            [
                ("terminal_id", "=", terminal.id),
                ("kind", "in", LIST_KINDS),
                ("state", "in", ("queued", "sent")),
            ]
        ):
            return
        wanted = self._wanted_users(terminal)
        delta = None  # a new or re-synchronised device: everybody
        if terminal.list_version:
            delta = self.env["onecard.list.entry"]._delta(
                company, terminal.list_version
            )
        if delta is None:
            pins = set(wanted) | self._holder_codes(company, device_pins or ())
        else:
            pins = self._pins_of_uids(company, [row["uid"] for row in delta])
        vals = []
        for pin in sorted(pins):
            if pin in wanted:
                name, card = wanted[pin]
                vals.append(
                    dict(kind="user_update", device_name=name, device_card=card)
                )
            else:
                vals.append(dict(kind="user_delete"))
            vals[-1].update(
                terminal_id=terminal.id, device_pin=pin, list_version=target
            )
        if vals:
            Command.create(vals)
        else:
            terminal.sudo().list_version = target

    def _pins_of_uids(self, company, uids):
        self.env.cr.execute(
            """
            SELECT DISTINCT h.code FROM onecard_card c
              JOIN onecard_cardholder h ON h.id = c.cardholder_id
             WHERE h.company_id = %s AND c.uid = ANY(%s)
            """,
            [company.id, uids],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _holder_codes(self, company, pins):
        self.env.cr.execute(
            "SELECT code FROM onecard_cardholder"
            " WHERE company_id = %s AND code = ANY(%s)",
            [company.id, list(pins)],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _wanted_users(self, terminal):
        """{PIN: (name, device card number)} of the holders wanted on the device."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT ON (h.code) h.code, h.name, c.uid %s"
                " ORDER BY h.code, c.id DESC",
                self._wanted_from([terminal.id]),
            )
        )
        wanted = {}
        for code, name, uid in self.env.cr.fetchall():
            try:
                card = uid_to_device(uid, terminal.zk_card_format or "dec_le32")
            except CardNoError:
                card = ""
            wanted[code] = (_clean(name), str(card))
        return wanted

    def _wanted_counts(self, terminals):
        """{terminal id: number of wanted holders}, counted in one query."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT t.id, count(DISTINCT h.code) %s GROUP BY t.id",
                self._wanted_from(terminals.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _wanted_from(self, terminal_ids):
        """Who may pay at the terminal, as the engine decides it: an active holder
        of the terminal's company (the canteens they may use) with a live payment
        card not past its expiry date, whose category allows the terminal (a
        category without allowed terminals allows them all)."""
        return SQL(
            """
              FROM onecard_terminal t
              JOIN res_company co ON co.id = t.company_id
              JOIN res_partner p ON p.id = co.partner_id
              JOIN onecard_cardholder h ON h.company_id = t.company_id
              JOIN onecard_card c ON c.cardholder_id = h.id
             WHERE t.id = ANY(%s) AND h.active AND h.state = 'active'
               AND c.state = 'active' AND c.kind IN ('official', 'temporary')
               AND (c.expiry_date IS NULL OR c.expiry_date
                    >= (now() AT TIME ZONE COALESCE(p.tz, 'UTC'))::date)
               AND (NOT EXISTS (
                        SELECT FROM onecard_cardholder_category_onecard_terminal_rel a
                         WHERE a.onecard_cardholder_category_id = h.category_id)
                    OR EXISTS (
                        SELECT FROM onecard_cardholder_category_onecard_terminal_rel a
                         WHERE a.onecard_cardholder_category_id = h.category_id
                           AND a.onecard_terminal_id = t.id))
            """,
            list(terminal_ids),
        )

    def _acknowledge_lists(self, terminal):
        """The device holds version V once no command of V or before is pending."""
        Command = self.env["onecard.terminal.command"].sudo()
        domain = [("terminal_id", "=", terminal.id), ("kind", "in", LIST_KINDS)]
        pending = Command.search(domain + [("state", "in", ("queued", "sent"))])
        finished = Command.search(
            domain + [("state", "in", ("done", "failed"))],
            order="list_version desc",
            limit=1,
        )
        if finished and not pending and finished.list_version > terminal.list_version:
            terminal.sudo().list_version = finished.list_version


def _clean(text):
    """A name as a device field: no TAB, CR or LF (they would split the command)."""
    return " ".join((text or "").split())[:24]
