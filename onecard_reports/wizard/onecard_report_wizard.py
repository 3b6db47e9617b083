"""One filter wizard for every report family.

It turns the filters into a domain on the report model (dates as UTC bounds
on ``business_time`` so the ledger's index is used) and then opens the
screen (list / pivot / graph) with that domain, writes an XLSX (detail rows
streamed, or the grouped table) or prints a PDF (QWeb by wkhtmltopdf).
The report families are described in onecard_report_spec.py, the grouped
table and the XLSX in onecard_report_wizard_table.py, the personal
statement in onecard_report_wizard_statement.py.
"""

from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..report.onecard_report_mixin import CARD_KINDS
from .onecard_report_spec import FAST_SPECS, REPORTS, SPECS


class OnecardReportWizard(models.TransientModel):
    _name = "onecard.report.wizard"
    _description = "Card Report Filters"

    report = fields.Selection(REPORTS, required=True, default="consumption")
    period = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("range", "Any Period")],
        required=True,
        default="month",
    )
    day = fields.Date(
        string="Day or Month",
        default=fields.Date.context_today,
        help="The day, or any day of the month, to report on.",
    )
    date_from = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    date_to = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    department_ids = fields.Many2many("hr.department", string="Departments")
    cardholder_category_ids = fields.Many2many(
        "onecard.cardholder.category", string="Cardholder Categories"
    )
    cardholder_ids = fields.Many2many("onecard.cardholder", string="Cardholders")
    card_kind = fields.Selection(CARD_KINDS)
    consume_category_ids = fields.Many2many(
        "onecard.consume.category", string="Consumption Categories"
    )
    meal_period_ids = fields.Many2many("onecard.meal.period", string="Meal Periods")
    canteen_ids = fields.Many2many("onecard.canteen", string="Canteens")
    terminal_ids = fields.Many2many("onecard.terminal", string="Terminals")
    amount_min = fields.Monetary(string="Amount from")
    amount_max = fields.Monetary(string="Amount to", help="0 = no upper bound.")
    include_reversed = fields.Boolean(
        string="Include Corrections",
        default=True,
        help="Untick to leave out corrected consumptions and their corrections.",
    )
    detail = fields.Boolean(
        string="Detail Rows",
        help="XLSX: one line per record instead of the grouped table.",
    )
    export_id = fields.Many2one("onecard.report.export", readonly=True)

    @api.depends("period", "day")
    def _compute_dates(self):
        for wizard in self:
            day = wizard.day or fields.Date.context_today(wizard)
            if wizard.period == "day":
                wizard.date_from = wizard.date_to = day
            elif wizard.period == "month":
                wizard.date_from = day.replace(day=1)
                wizard.date_to = day.replace(day=1) + relativedelta(months=1, days=-1)
            elif not wizard.date_from or not wizard.date_to:
                wizard.date_from, wizard.date_to = day.replace(day=1), day

    # ------------------------------------------------------------ domain
    def _utc_bounds(self):
        """[start, end) of the local dates, as naive UTC datetimes."""
        tz = pytz.timezone(self.company_id.partner_id.tz or "UTC")

        def bound(day):
            return (
                tz.localize(datetime.combine(day, time.min))
                .astimezone(pytz.utc)
                .replace(tzinfo=None)
            )

        if self.date_from > self.date_to:
            raise UserError(self.env._("The period ends before it starts."))
        return bound(self.date_from), bound(self.date_to + timedelta(days=1))

    def _spec(self):
        return SPECS[self.report]

    def _filters(self):
        """(field of the report models, the wizard's value) of every record filter."""
        return [
            ("department_id", self.department_ids),
            ("cardholder_category_id", self.cardholder_category_ids),
            ("cardholder_id", self.cardholder_ids),
            ("consume_category_id", self.consume_category_ids),
            ("meal_period_id", self.meal_period_ids),
            ("canteen_id", self.canteen_ids),
            ("terminal_id", self.terminal_ids),
        ]

    def _fast_spec(self):
        """The rollup screen of the report when it answers these filters, else None."""
        fast = FAST_SPECS.get(self.report)
        if not fast:
            return None
        raw = self.env[self._spec()["model"]]._fields
        if any(
            value and fname in raw and fname not in fast["filters"]
            for fname, value in self._filters()
        ):
            return None
        if (
            (self.card_kind and "card_kind" in raw)
            or ((self.amount_min or self.amount_max) and "amount" in raw)
            or (not self.include_reversed and "reversed" in raw)
        ):
            return None
        if fast.get("months") and (
            self.date_from.day != 1
            or (self.date_to + timedelta(days=1)).day != 1
            or self.date_from > self.date_to
        ):
            return None
        return fast

    def _screen_spec(self):
        """What the screen, the PDF and the grouped XLSX read: the rollups when they
        can, the ledger rows otherwise (the figures are the same)."""
        return self._fast_spec() or self._spec()

    def _domain(self, spec=None):
        """Domain of the report model (``spec``'s, by default the ledger rows')
        for the filters."""
        self.ensure_one()
        spec = spec or self._spec()
        have = self.env[spec["model"]]._fields
        domain = [
            ("company_id", "=", self.company_id.id),
            *spec.get("domain", []),
        ]
        if "business_time" in have:
            start, end = self._utc_bounds()
            domain += [("business_time", ">=", start), ("business_time", "<", end)]
        elif "date" in have:  # rollups: local dates (a month: its first day)
            if self.date_from > self.date_to:
                raise UserError(self.env._("The period ends before it starts."))
            domain += [("date", ">=", self.date_from), ("date", "<=", self.date_to)]
        else:  # settlements: by the settled period
            domain += [
                ("date_from", ">=", self.date_from),
                ("date_from", "<=", self.date_to),
            ]
        for fname, value in self._filters():
            if value and fname in have:
                domain.append((fname, "in", value.ids))
        if self.card_kind and "card_kind" in have:
            domain.append(("card_kind", "=", self.card_kind))
        if "amount" in have:
            if self.amount_min:
                domain.append(("amount", ">=", self.amount_min))
            if self.amount_max:
                domain.append(("amount", "<=", self.amount_max))
        if not self.include_reversed and "reversed" in have:
            domain.append(("reversed", "=", False))
        return domain

    def _groupby(self, spec=None):
        granularity = (
            "month"
            if self.period != "day"
            and self.date_from.replace(day=1) != self.date_to.replace(day=1)
            else "day"
        )
        return [g % {"period": granularity} for g in (spec or self._spec())["groupby"]]

    def _title(self):
        label = dict(self._fields["report"]._description_selection(self.env))[
            self.report
        ]
        return f"{label} {self.date_from} ~ {self.date_to}"

    # ----------------------------------------------------------- actions
    def action_open(self):
        """Open the screen of the report with the filters."""
        self.ensure_one()
        if self.report == "statement":
            return self.action_print_html()
        spec = self._screen_spec()
        action = self.env["ir.actions.act_window"]._for_xml_id(spec["action"])
        action["domain"] = self._domain(spec)
        action["name"] = self._title()
        context = dict(self.env.context, allowed_company_ids=[self.company_id.id])
        action["context"] = {
            key: value
            for key, value in context.items()
            if key.startswith(("allowed", "lang", "tz"))
        }
        action["context"].update(self._action_context(spec))
        return action

    def _action_context(self, spec):
        groupby = self._groupby(spec)
        return {
            "group_by": groupby[:2],
            "pivot_row_groupby": groupby[:1],
            "pivot_column_groupby": groupby[1:2],
        }

    def action_export_xlsx(self):
        """Build the XLSX now, or queue it when it is big; return its download or the
        job."""
        self.ensure_one()
        if self.report == "statement":
            raise UserError(self.env._("The personal statement is printed as PDF."))
        Export = self.env["onecard.report.export"]
        name = self._title()
        if self._count_rows() > Export._threshold():
            export = Export._queue(name, self._export_values())
            self.export_id = export
            return {
                "type": "ir.actions.act_window",
                "res_model": Export._name,
                "res_id": export.id,
                "view_mode": "form",
                "target": "current",
                "name": self.env._("Export in progress"),
            }
        export = Export.create({"name": name, "wizard_values": self._export_values()})
        export._run_now()
        self.export_id = export
        return export.action_download()

    def action_print_pdf(self):
        self.ensure_one()
        xmlid = (
            "onecard_reports.onecard_report_statement_pdf"
            if self.report == "statement"
            else "onecard_reports.onecard_report_summary_pdf"
        )
        return self.env.ref(xmlid).report_action(self)

    def action_print_html(self):
        self.ensure_one()
        return self.env.ref(
            "onecard_reports.onecard_report_statement_html"
        ).report_action(self)
