"""A fast row path for xlsxwriter's constant_memory mode (no Odoo import).

xlsxwriter builds every cell through several Python calls (type dispatch,
a row table, regex escaping): about 10 µs a cell, 2 minutes for a million
rows of a dozen columns. ``StreamWorksheet.write_rows`` writes whole rows of
typed values straight into the sheet's temporary XML file with one string
join a row, and keeps xlsxwriter's bookkeeping (dimensions, the row
pointer of constant_memory mode) right, so headers, formats, frozen panes,
autofilter and the totals row still go through the normal API.
"""

from datetime import date, datetime

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

EXCEL_EPOCH = datetime(1899, 12, 30)
_CONTROL = {
    code: None for code in range(32) if code not in (9, 10, 13)
}  # not allowed in XML


def excel_serial(value):
    """Excel's serial number of a date or datetime (days since 1899-12-30)."""
    if isinstance(value, datetime):
        delta = value - EXCEL_EPOCH
    elif isinstance(value, date):
        delta = datetime(value.year, value.month, value.day) - EXCEL_EPOCH
    else:
        return None
    return delta.days + delta.seconds / 86400.0 + delta.microseconds / 86400e6


class StreamWorksheet(Worksheet):
    """Worksheet with a bulk row writer for constant_memory workbooks."""

    def write_rows(self, first_row, rows, kinds, formats):
        """Write ``rows`` (sequences of values) from ``first_row`` on; return the next
        free row.

        kinds: one per column, "n" (number, None = empty) or "s" (text);
        formats: one xlsxwriter Format or None per column.
        Text goes to the workbook's shared string table (xlsxwriter writes
        and escapes it at close): report columns repeat a few thousand
        names a million times, so the sheet XML stays small and the final
        zip step fast; the table holds each distinct string once.
        """
        if not self.constant_memory:
            raise ValueError("write_rows needs a constant_memory workbook")
        if first_row < self.previous_row or (
            first_row == self.previous_row and self.table
        ):
            raise ValueError(
                "rows must be written in order, after what is already written"
            )
        # Flush the row that xlsxwriter still holds (e.g. the header) the normal way.
        self._write_single_row(first_row)
        cols = [xl_col_to_name(c) for c in range(len(kinds))]
        styles = [(' s="%d"' % fmt._get_xf_index()) if fmt else "" for fmt in formats]
        plan = list(zip(cols, styles, kinds, strict=False))
        write = self.fh.write
        sst = self.str_table
        add = sst._get_shared_string_index
        # value as read -> its index in the table (the table is keyed by the cleaned
        # text)
        index = self.__dict__.setdefault("_stream_strings", {})
        refs = 0
        row = first_row
        for values in rows:
            ref = str(row + 1)
            cells = []
            for (col, style, kind), value in zip(plan, values, strict=False):
                if value is None or value == "":
                    continue
                if kind == "n":
                    cells.append(
                        f'<c r="{col}{ref}"{style}><v>{float(value)!r}</v></c>'
                    )
                else:
                    position = index.get(value)
                    if position is None:
                        position = index[value] = add(str(value).translate(_CONTROL))
                    else:
                        refs += 1
                    cells.append(
                        '<c r="%s%s"%s t="s"><v>%d</v></c>'
                        % (col, ref, style, position)
                    )
            write('<row r="{}">{}</row>'.format(ref, "".join(cells)))
            row += 1
        sst.count += refs
        if row > first_row:
            last = row - 1
            self.dim_rowmin = (
                first_row
                if self.dim_rowmin is None
                else min(self.dim_rowmin, first_row)
            )
            self.dim_rowmax = (
                last if self.dim_rowmax is None else max(self.dim_rowmax, last)
            )
            self.dim_colmin = 0 if self.dim_colmin is None else min(self.dim_colmin, 0)
            width = len(kinds) - 1
            self.dim_colmax = (
                width if self.dim_colmax is None else max(self.dim_colmax, width)
            )
            self.previous_row = last  # the (empty) pending row: flushed as nothing
        return row
