"""One filter wizard for every report family.

It turns the filters into a domain on the report model (dates as UTC bounds
on ``business_time`` so the ledger's index is used) and then opens the
screen (list / pivot / graph) with that domain, writes an XLSX (detail rows
streamed, or the grouped table) or prints a PDF (QWeb by wkhtmltopdf).
"""

from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..report.onecard_report_mixin import CARD_KINDS

_lt = LazyTranslate(__name__)

REPORTS = [
    ("consumption", "Consumption Detail"),
    ("cardholder", "Consumption Summary per Cardholder"),
    ("category", "Amounts by Consumption Category"),
    ("topup", "Monthly Top-up Table"),
    ("terminal", "Terminal Statistics"),
    ("statistics", "Consumption Statistics"),
    ("fund", "Fund In/Out Statement"),
    ("statement", "Personal Statement"),
    ("settlement", "Settlement Report"),
]

# model, screen action, groups of the grouped table (PDF / XLSX), its measures,
# the columns of the detail rows export (None: no detail export), and the domain
# every path of the report starts from (screen, XLSX, PDF): the settlement report
# counts posted settlements only, as its menu's default filter "Posted" does, so a
# reversed and re-settled day is counted once.
SPECS = {
    "consumption": {
        "model": "onecard.report.consumption",
        "action": "onecard_reports.onecard_report_consumption_action",
        "groupby": ["date:day"],
        "measures": ["swipe_ref", "cash_amount", "subsidy_amount", "amount"],
        "rows": [
            ("business_time", None),
            ("cardholder_id.code", _lt("Code")),
            ("cardholder_id", None),
            ("department_id", None),
            ("cardholder_category_id", None),
            ("card_id", None),
            ("card_kind", None),
            ("consume_category_id", None),
            ("meal_period_id", None),
            ("canteen_id", None),
            ("terminal_id", None),
            ("wallet_kind", None),
            ("amount", None),
            ("offline", None),
            ("reversed", None),
        ],
    },
    "cardholder": {
        "model": "onecard.report.consumption",
        "action": "onecard_reports.onecard_report_cardholder_action",
        "groupby": ["cardholder_id", "department_id"],
        "measures": ["swipe_ref", "cash_amount", "subsidy_amount", "amount"],
    },
    "category": {
        "model": "onecard.report.consumption",
        "action": "onecard_reports.onecard_report_category_action",
        "groupby": ["date:%(period)s", "consume_category_id"],
        "measures": ["swipe_ref", "amount"],
    },
    "topup": {
        "model": "onecard.report.topup",
        "action": "onecard_reports.onecard_report_topup_action",
        "groupby": ["cardholder_id", "payment_method_id"],
        "measures": [
            "topup_count",
            "topup_amount",
            "to_temporary_amount",
            "to_official_amount",
            "refund_amount",
            "deposit_in_amount",
            "deposit_out_amount",
            "amount",
        ],
        "rows": [
            ("business_time", None),
            ("cardholder_id.code", _lt("Code")),
            ("cardholder_id", None),
            ("department_id", None),
            ("kind", None),
            ("wallet_kind", None),
            ("payment_method_id", None),
            ("amount", None),
        ],
    },
    "terminal": {
        "model": "onecard.report.swipe",
        "action": "onecard_reports.onecard_report_terminal_action",
        "groupby": ["terminal_id", "date:%(period)s", "meal_period_id"],
        "measures": [
            "swipe_count",
            "declined_count",
            "correction_count",
            "offline_count",
            "amount",
        ],
    },
    "statistics": {
        "model": "onecard.report.swipe",
        "action": "onecard_reports.onecard_report_statistics_action",
        "groupby": ["consume_category_id", "meal_period_id", "canteen_id"],
        "measures": ["swipe_count", "correction_count", "amount"],
    },
    "fund": {
        "model": "onecard.report.fund",
        "action": "onecard_reports.onecard_report_fund_action",
        "groupby": ["kind", "wallet_kind", "payment_method_id"],
        "measures": [
            "row_count",
            "received",
            "paid",
            "amount_in",
            "amount_out",
            "amount",
        ],
        "rows": [
            ("business_time", None),
            ("cardholder_id.code", _lt("Code")),
            ("cardholder_id", None),
            ("kind", None),
            ("wallet_kind", None),
            ("payment_method_id", None),
            ("canteen_id", None),
            ("amount", None),
        ],
    },
    "settlement": {
        "model": "onecard.report.settlement",
        "action": "onecard_reports.onecard_report_settlement_action",
        "groupby": ["settlement_id", "kind", "wallet_kind", "payment_method_id"],
        "measures": ["count", "amount_in", "amount_out", "amount"],
        "domain": [("state", "=", "posted")],
    },
}


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

    def _domain(self):
        """Domain of the report model for the filters."""
        self.ensure_one()
        model = self.env[self._spec()["model"]]
        have = model._fields
        domain = [
            ("company_id", "=", self.company_id.id),
            *self._spec().get("domain", []),
        ]
        if "business_time" in have:
            start, end = self._utc_bounds()
            domain += [("business_time", ">=", start), ("business_time", "<", end)]
        else:  # settlements: by the settled period
            domain += [
                ("date_from", ">=", self.date_from),
                ("date_from", "<=", self.date_to),
            ]
        for fname, value in [
            ("department_id", self.department_ids),
            ("cardholder_category_id", self.cardholder_category_ids),
            ("cardholder_id", self.cardholder_ids),
            ("consume_category_id", self.consume_category_ids),
            ("meal_period_id", self.meal_period_ids),
            ("canteen_id", self.canteen_ids),
            ("terminal_id", self.terminal_ids),
        ]:
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

    def _groupby(self):
        granularity = (
            "month"
            if self.period != "day"
            and self.date_from.replace(day=1) != self.date_to.replace(day=1)
            else "day"
        )
        return [g % {"period": granularity} for g in self._spec()["groupby"]]

    def _title(self):
        label = dict(self._fields["report"]._description_selection(self.env))[
            self.report
        ]
        return f"{label} {self.date_from} ~ {self.date_to}"

    # ------------------------------------------------------------ tables
    def _group_table(self):
        """The grouped table of the report (what the PDF and the summary XLSX show)."""
        self.ensure_one()
        spec = self._spec()
        model = self.env[spec["model"]].with_company(self.company_id)
        groupby = self._groupby()
        measures = spec["measures"]
        aggregates = [
            "{}:{}".format(m, model._fields[m].aggregator or "sum") for m in measures
        ]
        groups = model._read_group(
            self._domain(), groupby, aggregates, order=", ".join(groupby)
        )
        totals = model._read_group(self._domain(), [], aggregates)[0]
        lines = []
        for group in groups:
            keys, values = group[: len(groupby)], group[len(groupby) :]
            lines.append(
                {
                    "groups": [
                        self._label(model, g, k)
                        for g, k in zip(groupby, keys, strict=False)
                    ],
                    "values": [v or 0 for v in values],
                }
            )
        return {
            "title": self._title(),
            "currency": self.company_id.currency_id,
            "group_labels": [
                model._fields[g.split(":")[0]]._description_string(self.env)
                for g in groupby
            ],
            "measures": [
                {
                    "label": model._fields[m]._description_string(self.env),
                    "money": model._fields[m].type == "monetary",
                }
                for m in measures
            ],
            "lines": lines,
            "totals": [v or 0 for v in totals],
        }

    def _label(self, model, groupby, key):
        fname, _colon, granularity = groupby.partition(":")
        field = model._fields[fname]
        if not key:
            # what is missing, in the column's own words ("No Payment Method"), not
            # a bare "None" the reader cannot place
            return self.env._("No %(field)s", field=field._description_string(self.env))
        if field.type == "many2one":
            return key.display_name
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(key, key)
        if field.type == "date":
            return key.strftime("%Y-%m" if granularity == "month" else "%Y-%m-%d")
        return str(key)

    def _write_xlsx(self, path, progress=None):
        """Write the XLSX of the filters to ``path``; return the number of data rows."""
        self.ensure_one()
        spec = self._spec()
        xlsx = self.env["onecard.report.xlsx"].with_company(self.company_id)
        if self.detail and spec.get("rows"):
            model = self.env[spec["model"]].with_company(self.company_id)
            columns = []
            for fpath, label in spec["rows"]:
                columns.append(
                    (fpath, label and label._translate(self.env.lang or "en_US"))
                )
            return xlsx.export_rows(
                model,
                self._domain(),
                columns,
                path,
                title=self._title(),
                tz=self.company_id.partner_id.tz or "UTC",
                progress=progress,
            )
        return xlsx.export_groups(self._group_table(), path, title=self._title())

    def _count_rows(self):
        spec = self._spec()
        if self.detail and spec.get("rows"):
            return (
                self.env[spec["model"]]
                .with_company(self.company_id)
                .search_count(self._domain())
            )
        return 0

    def _export_values(self):
        values = {
            name: self[name]
            for name in (
                "report",
                "period",
                "day",
                "card_kind",
                "amount_min",
                "amount_max",
                "include_reversed",
                "detail",
            )
        }
        values.update(
            date_from=self.date_from,
            date_to=self.date_to,
            company_id=self.company_id.id,
        )
        for name in (
            "department_ids",
            "cardholder_category_ids",
            "cardholder_ids",
            "consume_category_ids",
            "meal_period_ids",
            "canteen_ids",
            "terminal_ids",
        ):
            values[name] = [Command.set(self[name].ids)]
        return {
            key: fields.Date.to_string(value) if hasattr(value, "isoformat") else value
            for key, value in values.items()
        }

    # ----------------------------------------------------------- actions
    def action_open(self):
        """Open the screen of the report with the filters."""
        self.ensure_one()
        if self.report == "statement":
            return self.action_print_html()
        action = self.env["ir.actions.act_window"]._for_xml_id(self._spec()["action"])
        action["domain"] = self._domain()
        action["name"] = self._title()
        context = dict(self.env.context, allowed_company_ids=[self.company_id.id])
        action["context"] = {
            key: value
            for key, value in context.items()
            if key.startswith(("allowed", "lang", "tz"))
        }
        action["context"].update(self._action_context())
        return action

    def _action_context(self):
        groupby = self._groupby()
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

    # --------------------------------------------------------- statement
    def _statement_holders(self):
        holders = self.cardholder_ids
        if not holders and self.department_ids:
            holders = (
                self.env["onecard.cardholder"]
                .with_context(active_test=False)
                .search(
                    [
                        ("department_id", "in", self.department_ids.ids),
                        ("company_id", "=", self.company_id.id),
                    ]
                )
            )
        if not holders:
            raise UserError(
                self.env._("Choose the cardholders or the department of the statement.")
            )
        return holders

    def _statement_data(self):
        """Per cardholder: opening balance, every movement with a running balance,
        closing balance.

        Spendable wallets only (cash, subsidy, temporary); deposits are
        shown apart. Movements are in business-time order (the terminal's
        clock, so a late offline record sits where it was eaten); the
        opening balance is the sum of every row before the period, the
        closing one the opening plus the period, one SQL statement each.
        """
        self.ensure_one()
        start, end = self._utc_bounds()
        holders = self._statement_holders()
        self.env.flush_all()
        cr = self.env.cr
        tz = self.company_id.partner_id.tz or "UTC"
        cr.execute(
            """
            SELECT cardholder_id,
                   COALESCE(SUM(amount) FILTER (WHERE business_time < %(start)s AND
                   wallet_kind <> 'deposit'), 0),
                   COALESCE(SUM(amount) FILTER (WHERE business_time < %(end)s AND
                   wallet_kind <> 'deposit'), 0),
                   COALESCE(SUM(amount) FILTER (WHERE business_time < %(end)s AND
                   wallet_kind = 'deposit'), 0)
              FROM onecard_transaction
             WHERE cardholder_id = ANY(%(holders)s) AND company_id = %(company)s
             GROUP BY cardholder_id
        """,
            {
                "start": start,
                "end": end,
                "holders": holders.ids,
                "company": self.company_id.id,
            },
        )
        balances = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            """
            SELECT t.cardholder_id, (t.business_time AT TIME ZONE 'UTC') AT TIME ZONE
            %(tz)s, t.kind, t.wallet_kind,
                   t.amount, term.name, pm.id, t.offline, o.note,
                   SUM(t.amount) OVER (PARTITION BY t.cardholder_id ORDER BY
                   t.business_time, t.id)
              FROM onecard_transaction t
              JOIN onecard_operation o ON o.id = t.operation_id
              LEFT JOIN onecard_terminal term ON term.id = t.terminal_id
              LEFT JOIN onecard_payment_method pm ON pm.id = t.payment_method_id
             WHERE t.cardholder_id = ANY(%(holders)s) AND t.company_id = %(company)s
             AND t.wallet_kind <> 'deposit'
               AND t.business_time >= %(start)s AND t.business_time < %(end)s
             ORDER BY t.cardholder_id, t.business_time, t.id
        """,
            {
                "tz": tz,
                "start": start,
                "end": end,
                "holders": holders.ids,
                "company": self.company_id.id,
            },
        )
        rows = cr.fetchall()
        kinds = dict(
            self.env["onecard.transaction"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        wallets = dict(
            self.env["onecard.transaction"]
            ._fields["wallet_kind"]
            ._description_selection(self.env)
        )
        methods = {
            m.id: m.name
            for m in self.env["onecard.payment.method"]
            .with_context(active_test=False)
            .search([])
        }
        moves = {}
        for (
            holder_id,
            when,
            kind,
            wallet,
            amount,
            terminal,
            method,
            offline,
            note,
            running,
        ) in rows:
            opening = float(balances.get(holder_id, (0, 0, 0))[0])
            moves.setdefault(holder_id, []).append(
                {
                    "time": when.strftime("%Y-%m-%d %H:%M"),
                    "kind": kinds.get(kind, kind),
                    "wallet": wallets[wallet],
                    "place": terminal or methods.get(method) or "",
                    "offline": offline,
                    "note": note or "",
                    "amount": float(amount),
                    "income": max(float(amount), 0.0),
                    "expense": max(-float(amount), 0.0),
                    "balance": opening + float(running),
                }
            )
        statements = []
        for holder in holders.sorted(
            lambda h: (h.department_id.name or "", h.code or "")
        ):
            opening, closing, deposit = (
                float(v) for v in balances.get(holder.id, (0, 0, 0))
            )
            lines = moves.get(holder.id, [])
            statements.append(
                {
                    "holder": holder,
                    "opening": opening,
                    "closing": closing,
                    "deposit": deposit,
                    "lines": lines,
                    "income": sum(line["income"] for line in lines),
                    "expense": sum(line["expense"] for line in lines),
                }
            )
        return statements

    def _summary_data(self):
        return self._group_table()
