from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import check_pin, hash_pin
from ..tools.swipe_rules import PIN_LOCK_MINUTES, PIN_MAX_FAILURES


class OnecardCardholder(models.Model):
    """Self-service: who sees the account on the portal (/my/onecard).

    Access is by partner, as Odoo's portal documents are: the holder's own
    contact (an employee's work contact; a visitor's contact) and guardians
    (parents of pupils). Record rules in security/onecard_portal_security.xml
    give portal users these accounts and nothing else.
    """

    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        ondelete="set null",
        help="The holder's own contact: the portal user of this contact sees the "
        "account on the portal. Employees: their work contact.",
    )
    guardian_ids = fields.Many2many(
        "res.partner",
        "onecard_cardholder_guardian_rel",
        "cardholder_id",
        "partner_id",
        string="Guardians",
        help="Contacts who may see and top up this account on the portal "
        "(the parents of a pupil).",
    )
    topup_min = fields.Monetary(related="company_id.onecard_topup_min")
    topup_max = fields.Monetary(related="company_id.onecard_topup_max")

    @api.depends("employee_id.work_contact_id")
    def _compute_partner_id(self):
        for holder in self:
            if holder.employee_id.work_contact_id:
                holder.partner_id = holder.employee_id.work_contact_id
            elif not holder.partner_id:
                holder.partner_id = False

    def action_grant_portal(self):
        """Open Odoo's portal wizard for these holders' contacts and guardians;
        a holder without a contact gets one (name only: the wizard asks the mail).
        The wizard is Odoo's, with its rights (Contact Creation)."""
        self.check_access("write")
        for holder in self.filtered(lambda h: not h.partner_id):
            holder.partner_id = self.env["res.partner"].create(
                {"name": holder.name, "company_id": holder.company_id.id}
            )
        partners = self.partner_id | self.guardian_ids
        wizard = self.env["portal.wizard"].create(
            {"partner_ids": [fields.Command.set(partners.ids)]}
        )
        return wizard._action_open_modal()

    # ------------------------------------------------------------ portal
    # Private methods (no RPC door): the portal controller calls them on records
    # it browsed as the portal user, so the record rules decided first.
    def _portal_check(self):
        """Raise AccessError unless the current user may see this account."""
        self.ensure_one()
        self.check_access("read")
        if not self.exists():
            raise AccessError(self.env._("This account is not yours."))
        return self.sudo()

    def _portal_card(self, card_id):
        holder = self._portal_check()
        card = holder.card_ids.filtered(lambda c: c.id == card_id)
        if not card:
            raise AccessError(self.env._("This card is not yours."))
        return card

    def _portal_report_lost(self, card_id):
        """Block the card through the desk's path (engine, blacklists, device
        lists) and confirm it by mail to the user who reported it."""
        card = self._portal_card(card_id)
        user = self.env.user
        card.report_lost()
        card.cardholder_id.message_post(
            body=self.env._(
                "Card %(card)s was reported lost on the portal by %(user)s. It no "
                "longer pays; to unlock it, come to the card office.",
                card=card.number,
                user=user.name,
            ),
            partner_ids=user.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return card

    def _portal_change_pin(self, old_pin, new_pin):
        """Change the PIN: the old one must be right; wrong ones count towards the
        lockout of terminals (PIN_MAX_FAILURES, then PIN_LOCK_MINUTES)."""
        holder = self._portal_check()
        now = fields.Datetime.now()
        if holder.pin_locked_until and holder.pin_locked_until > now:
            raise UserError(
                self.env._("The PIN is locked; try again later or see the card office.")
            )
        new_pin = str(new_pin or "")
        if not (new_pin.isdigit() and 4 <= len(new_pin) <= 6):
            raise UserError(self.env._("A PIN is 4 to 6 digits."))
        if not check_pin(old_pin, holder.pin_hash):
            failures = holder.pin_failures + 1
            vals = {"pin_failures": failures}
            if failures >= PIN_MAX_FAILURES:
                vals = {
                    "pin_failures": 0,
                    "pin_locked_until": fields.Datetime.add(
                        now, minutes=PIN_LOCK_MINUTES
                    ),
                }
            holder.write(vals)
            return False
        holder.write(
            {
                "pin_hash": hash_pin(new_pin),
                "pin_failures": 0,
                "pin_locked_until": False,
            }
        )
        return True

    def _portal_topup_card(self):
        """The card whose account an online top-up credits: the holder's live
        official card."""
        self.ensure_one()
        card = self.sudo().card_ids.filtered(
            lambda c: c.kind == "official" and c.state in ("active", "lost", "frozen")
        )[:1]
        if not card:
            raise UserError(
                self.env._("%s has no card to top up: see the card office.", self.name)
            )
        return card

    def _portal_check_topup_amount(self, amount):
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        if (
            not isinstance(amount, int | float)
            or amount != amount
            or currency.compare_amounts(amount, company.onecard_topup_min) < 0
            or currency.compare_amounts(amount, company.onecard_topup_max) > 0
        ):
            raise UserError(
                self.env._(
                    "A top-up is between %(min)s and %(max)s.",
                    min=company.onecard_topup_min,
                    max=company.onecard_topup_max,
                )
            )
        return self.env["onecard.ledger"].with_company(company)._check_amount(amount)

    def _portal_subsidy_expiry(self):
        """[(expiry date, amount granted)] of the subsidy grants still to expire."""
        holder = self._portal_check()
        lines = (
            self.env["onecard.subsidy.line"]
            .sudo()
            .search(
                [
                    ("cardholder_id", "=", holder.id),
                    ("state", "=", "granted"),
                    ("batch_id.expiry_date", ">=", fields.Date.context_today(self)),
                ],
                limit=50,
            )
        )
        by_date = {}
        for line in lines:
            day = line.batch_id.expiry_date
            by_date[day] = by_date.get(day, 0.0) + line.granted_amount
        return sorted(by_date.items())

    def _portal_has_statements(self):
        """Whether a monthly statement can be printed (onecard_reports)."""
        return False

    def _portal_statement_pdf(self, year, month):
        """The monthly statement as (pdf bytes, file name), or None when no
        statement report is installed (onecard_reports provides it)."""
        return None
