"""ZKTeco device users: who should be on a device, and the commands that get them there.

Shared by the PUSH service (commands handed out at the device's poll) and the
standalone pull (commands run at once through pyzk). Device users follow the
company's versioned card lists: a device that acknowledged version V gets the
user updates and deletions of the cards changed since V; a new or
re-synchronised device (version 0) gets every wanted user. The acknowledged
version moves only when every command of it is finished.
"""

from odoo import api, models

from ..zkteco.cardno import CardNoError, uid_to_device

LIST_KINDS = ("user_update", "user_delete")


class OnecardZktecoUsers(models.AbstractModel):
    _name = "onecard.zkteco.users"
    _description = "ZKTeco Device Users"

    def _queue_users(self, terminal):
        """Queue the user changes since the version the device acknowledged."""
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
        pins = (
            set(wanted)
            if delta is None
            else self._pins_of_uids(company, [row["uid"] for row in delta])
        )
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

    @api.model
    def _wanted_users(self, terminal):
        """{PIN: (name, device card number)}: active holders with an active card."""
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (h.code) h.code, h.name, c.uid
              FROM onecard_cardholder h JOIN onecard_card c ON c.cardholder_id = h.id
             WHERE h.company_id = %s AND h.active AND h.state = 'active'
               AND c.state = 'active' AND c.kind IN ('official', 'temporary')
             ORDER BY h.code, c.id DESC
            """,
            [terminal.company_id.id],
        )
        wanted = {}
        for code, name, uid in self.env.cr.fetchall():
            try:
                card = uid_to_device(uid, terminal.zk_card_format or "dec_le32")
            except CardNoError:
                card = ""
            wanted[code] = (_clean(name), str(card))
        return wanted

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
