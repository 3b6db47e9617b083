"""The grouped table of a report (PDF, summary XLSX) and the XLSX export."""

from odoo import Command, fields, models


class OnecardReportWizard(models.TransientModel):
    _inherit = "onecard.report.wizard"

    # ------------------------------------------------------------ tables
    def _group_table(self):
        """The grouped table of the report (what the PDF and the summary XLSX show)."""
        self.ensure_one()
        spec = self._screen_spec()
        model = self.env[spec["model"]].with_company(self.company_id)
        groupby = self._groupby(spec)
        measures = spec["measures"]
        aggregates = [
            "{}:{}".format(m, model._fields[m].aggregator or "sum") for m in measures
        ]
        domain = self._domain(spec)
        groups = model._read_group(
            domain, groupby, aggregates, order=", ".join(groupby)
        )
        totals = model._read_group(domain, [], aggregates)[0]
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
            return xlsx._export_rows(
                model,
                self._domain(),
                columns,
                path,
                title=self._title(),
                tz=self.company_id.partner_id.tz or "UTC",
                progress=progress,
            )
        return xlsx._export_groups(self._group_table(), path, title=self._title())

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
