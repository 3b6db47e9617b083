"""The payroll deduction list as files for a payroll system: XLSX and CSV.

No Odoo imports: takes the header labels and the rows (already formatted), so the
same table is written and read back in the tests.
"""

import csv
import io

import xlsxwriter

COLUMNS = ("code", "badge", "employee", "department", "amount")


def to_csv(labels, rows):
    """UTF-8 with a BOM (spreadsheet programs then read the Chinese names right),
    comma-separated, amounts with two decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(labels)
    for row in rows:
        writer.writerow([*row[:-1], f"{row[-1]:.2f}"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title, labels, rows, total_label):
    """One sheet: a title row, the header, one row per employee, the total."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write(0, 0, title, bold)
    for col, label in enumerate(labels):
        sheet.write(1, col, label, bold)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row[:-1]):
            sheet.write_string(r, col, value or "")
        sheet.write_number(r, len(row) - 1, row[-1], money)
    last = len(rows) + 2
    sheet.write(last, 0, total_label, bold)
    sheet.write_number(last, len(labels) - 1, round(sum(r[-1] for r in rows), 2), money)
    sheet.set_column(0, len(labels) - 1, 18)
    book.close()
    return out.getvalue()
