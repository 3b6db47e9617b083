"""XLSX exports of the reports, written with xlsxwriter.

Two shapes: *rows* (one line per report record, streamed from a server-side
cursor into a constant_memory workbook: a million rows in flat memory) and
*groups* (a ``_read_group`` table: summaries per cardholder, terminal...).
Both have a bold frozen header row, money in the company currency format
and a totals row computed by SQL (the same aggregate the screen shows).
"""

import itertools
import tempfile
import uuid

import xlsxwriter

from odoo import api, models
from odoo.tools import SQL

from ..tools import StreamWorksheet

MAX_SHEET_ROWS = 1_048_576 - 2  # Excel's limit, minus header and totals rows
CHUNK = 20_000


class OnecardReportXlsx(models.AbstractModel):
    _name = "onecard.report.xlsx"
    _description = "Card Report XLSX Writer"

    # ------------------------------------------------------------ formats
    @api.model
    def _formats(self, workbook, currency):
        decimals = "0" * currency.decimal_places
        symbol = (currency.symbol or "").replace('"', "")
        number = f"#,##0.{decimals}" if decimals else "#,##0"
        money = (
            (f'"{symbol}"{number}')
            if currency.position == "before"
            else (f'{number}" {symbol}"')
        )
        return {
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True}
            ),
            "title": workbook.add_format({"bold": True, "font_size": 13}),
            "money": workbook.add_format({"num_format": f"{money};-{money}"}),
            "money_total": workbook.add_format(
                {"num_format": f"{money};-{money}", "bold": True, "top": 1}
            ),
            "integer": workbook.add_format({"num_format": "#,##0"}),
            "integer_total": workbook.add_format(
                {"num_format": "#,##0", "bold": True, "top": 1}
            ),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "total": workbook.add_format({"bold": True, "top": 1}),
        }

    @api.model
    def _column_format(self, field, formats):
        if field.type == "monetary":
            return formats["money"], formats["money_total"]
        if field.type in ("integer", "float"):
            return formats["integer"], formats["integer_total"]
        if field.type == "datetime":
            return formats["datetime"], None
        if field.type == "date":
            return formats["date"], None
        return None, None

    @api.model
    def _field_of(self, model, path):
        """The last field of a dotted path (``cardholder_id.code``)."""
        field = None
        for name in path.split("."):
            field = model._fields[name]
            model = self.env[field.comodel_name] if field.relational else model
        return field

    # --------------------------------------------------------------- rows
    @api.model
    def _cell_sql(self, model, alias, path, query, tz):
        """SQL of one exported cell: numbers as float8, times as Excel serials, labels
        as text."""
        name, _dot, rest = path.partition(".")
        field = model._fields[name]
        if field.type == "many2one":
            comodel = self.env[field.comodel_name]
            target = query.make_alias(alias, name)
            query.add_join(
                "LEFT JOIN",
                target,
                comodel._table,
                SQL(
                    "%s = %s",
                    SQL.identifier(target, "id"),
                    model._field_to_sql(alias, name, query),
                ),
            )
            return self._cell_sql(comodel, target, rest or comodel._rec_name, query, tz)
        sql = model._field_to_sql(alias, name, query)
        if field.type == "datetime":
            return SQL(
                "EXTRACT(EPOCH FROM ((%s AT TIME ZONE 'UTC') AT TIME ZONE "
                "%s))::float8 / 86400 + 25569",
                sql,
                tz,
            )
        if field.type == "date":
            return SQL("(%s - DATE '1899-12-30')::float8", sql)
        if field.type in ("monetary", "float", "integer"):
            return SQL("%s::float8", sql)
        if field.type == "selection":
            labels = field._description_selection(model.env)
            if not labels:
                return SQL("%s::text", sql)
            return SQL(
                "CASE %s %s END",
                sql,
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", key, label) for key, label in labels
                ),
            )
        if field.type == "boolean":
            return SQL("CASE WHEN %s THEN %s ELSE '' END", sql, self.env._("Yes"))
        return SQL("%s::text", sql)

    @api.model
    def _export_rows(
        self,
        model,
        domain,
        columns,
        path,
        title=None,
        order=None,
        tz="UTC",
        progress=None,
    ):
        """Stream the records of ``model`` matching ``domain`` into an XLSX file at
        ``path``.

        columns: [(field path, label or None)]. progress(done, total) is
        called every CHUNK rows. Returns the number of rows written.
        """
        self.env.flush_all()
        query = model._search(domain, order=order or model._order)
        alias = query.table
        cells, kinds, labels, fields_ = [], [], [], []
        for fpath, label in columns:
            field = self._field_of(model, fpath)
            cells.append(self._cell_sql(model, alias, fpath, query, tz))
            kinds.append(
                "n"
                if field.type in ("monetary", "float", "integer", "datetime", "date")
                else "s"
            )
            labels.append(label or field._description_string(self.env))
            fields_.append(field)
        totals_sql = [SQL("COUNT(*)")] + [
            SQL("SUM(%s)", cell)
            for cell, field in zip(cells, fields_, strict=False)
            if field.type in ("monetary", "float")
        ]
        if query.is_empty():
            query.add_where(SQL("FALSE"))
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE %s",
                SQL(", ").join(totals_sql),
                query.from_clause,
                query.where_clause or SQL("TRUE"),
            )
        )
        total, *sums = self.env.cr.fetchone()
        workbook = xlsxwriter.Workbook(
            path, {"constant_memory": True, "tmpdir": tempfile.gettempdir()}
        )
        workbook.set_properties({"title": title or model._description})
        formats = self._formats(workbook, self.env.company.currency_id)
        col_formats = [self._column_format(field, formats) for field in fields_]
        # A server-side cursor streams the rows (flat memory). PostgreSQL plans
        # cursors for the first 10 % of rows by default and sorts in 4 MB:
        # this export reads everything, so plan for all rows and sort in memory.
        self.env.cr.execute("SET LOCAL cursor_tuple_fraction = 1")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        cursor = self.env.cr._cnx.cursor(name=f"onecard_xlsx_{uuid.uuid4().hex}")
        try:
            cursor.itersize = CHUNK
            select = query.select(*cells)
            cursor.execute(select.code, select.params)
            rows, done, sheet_no = iter(cursor), 0, 0
            while True:
                sheet_no += 1
                sheet = self._new_sheet(workbook, title, sheet_no, labels, formats)
                row, written = 1, 0
                while written < MAX_SHEET_ROWS:
                    chunk = list(
                        itertools.islice(rows, min(CHUNK, MAX_SHEET_ROWS - written))
                    )
                    if not chunk:
                        break
                    row = sheet.write_rows(
                        row, chunk, kinds, [fmt for fmt, _t in col_formats]
                    )
                    written += len(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                sums_iter = iter(sums)
                sheet.write(row, 0, self.env._("Total"), formats["total"])
                for col, (field, (_fmt, total_fmt)) in enumerate(
                    zip(fields_, col_formats, strict=False)
                ):
                    if field.type in ("monetary", "float") and col:
                        value = next(sums_iter) or 0.0
                        sheet.write_formula(
                            row,
                            col,
                            "=SUBTOTAL(9,%s2:%s%d)"
                            % (
                                xlsxwriter.utility.xl_col_to_name(col),
                                xlsxwriter.utility.xl_col_to_name(col),
                                row,
                            ),
                            total_fmt,
                            round(value, self.env.company.currency_id.decimal_places),
                        )
                sheet.autofilter(0, 0, max(row - 1, 1), len(columns) - 1)
                if done >= total or written < MAX_SHEET_ROWS:
                    break
        finally:
            cursor.close()
            self.env.cr.execute("RESET cursor_tuple_fraction")
            self.env.cr.execute("RESET work_mem")
        workbook.close()
        return done

    @api.model
    def _new_sheet(self, workbook, title, number, labels, formats):
        name = (title or self.env._("Report"))[:25].translate(
            str.maketrans("[]:*?/\\", "       ")
        )
        sheet = workbook.add_worksheet(
            "%s %d" % (name, number) if number > 1 else name,
            worksheet_class=StreamWorksheet,
        )
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(labels) - 1, 16)
        sheet.write_row(0, 0, labels, formats["header"])
        return sheet

    # ------------------------------------------------------------- groups
    @api.model
    def _export_groups(self, table, path, title=None, subtitle=None):
        """Write a grouped table (see onecard.report.wizard._group_table) to
        ``path``."""
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
        workbook.set_properties({"title": title or ""})
        formats = self._formats(workbook, table["currency"])
        sheet = workbook.add_worksheet(
            (title or self.env._("Report"))[:31].translate(
                str.maketrans("[]:*?/\\", "       ")
            ),
            worksheet_class=StreamWorksheet,
        )
        labels = table["group_labels"] + [m["label"] for m in table["measures"]]
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(table["group_labels"]) - 1, 22)
        sheet.set_column(len(table["group_labels"]), len(labels) - 1, 14)
        sheet.write_row(0, 0, labels, formats["header"])
        kinds = ["s"] * len(table["group_labels"]) + ["n"] * len(table["measures"])
        fmts = [None] * len(table["group_labels"]) + [
            formats["money"] if m["money"] else formats["integer"]
            for m in table["measures"]
        ]
        row = sheet.write_rows(
            1, (line["groups"] + line["values"] for line in table["lines"]), kinds, fmts
        )
        sheet.write(row, 0, self.env._("Total"), formats["total"])
        first = len(table["group_labels"])
        for i, (measure, value) in enumerate(
            zip(table["measures"], table["totals"], strict=False)
        ):
            col = xlsxwriter.utility.xl_col_to_name(first + i)
            sheet.write_formula(
                row,
                first + i,
                "=SUBTOTAL(9,%s2:%s%d)" % (col, col, row),
                formats["money_total" if measure["money"] else "integer_total"],
                value,
            )
        workbook.close()
        return len(table["lines"])
