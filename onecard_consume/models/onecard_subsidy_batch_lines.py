"""Building a subsidy batch's lines: from a selection of people or from a file."""

import base64
import csv
import io

from odoo import models
from odoo.exceptions import UserError


class OnecardSubsidyBatch(models.Model):
    _inherit = "onecard.subsidy.batch"

    # ------------------------------------------------------------ building
    def action_load_lines(self):
        """Add a line for everyone in the chosen departments, categories and
        selection."""
        self.ensure_one()
        self._check_state("draft")
        if self.amount <= 0:
            raise UserError(self.env._("Set a positive amount per person first."))
        domain = [("company_id", "=", self.company_id.id)]
        parts = []
        if self.department_ids:
            parts.append([("department_id", "child_of", self.department_ids.ids)])
        if self.category_ids:
            parts.append([("category_id", "in", self.category_ids.ids)])
        if self.cardholder_ids:
            parts.append([("id", "in", self.cardholder_ids.ids)])
        if not parts:
            raise UserError(
                self.env._("Choose departments, categories or cardholders.")
            )
        holders = self.env["onecard.cardholder"].search(
            domain + ["|"] * (len(parts) - 1) + sum(parts, [])
        )
        self._add_lines({holder.id: self.amount for holder in holders})

    def action_import_file(self):
        """Load lines from a CSV or XLSX file: cardholder code, amount (header row
        optional)."""
        self.ensure_one()
        self._check_state("draft")
        if not self.import_file:
            raise UserError(self.env._("Choose a file to import."))
        rows = self._read_rows(
            base64.b64decode(self.import_file), self.import_filename or ""
        )
        holders = {
            h.code: h.id
            for h in self.env["onecard.cardholder"].search(
                [
                    ("code", "in", [r[0] for r in rows]),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        }
        errors, amounts = [], {}
        for number, (code, amount) in enumerate(rows, 1):
            try:
                value = float(amount) if amount not in (None, "") else self.amount
            except (TypeError, ValueError):
                value = None
            if code not in holders:
                errors.append(
                    self.env._(
                        "Row %(row)s: unknown cardholder code “%(code)s”.",
                        row=number,
                        code=code,
                    )
                )
            elif not value or value <= 0:
                errors.append(
                    self.env._(
                        "Row %(row)s: the amount must be a positive number.", row=number
                    )
                )
            else:
                amounts[holders[code]] = value
        if errors:
            raise UserError("\n".join(errors[:20]))
        self._add_lines(amounts)
        self.import_file = False

    @staticmethod
    def _read_rows(data, filename):
        if filename.lower().endswith(".xlsx"):
            import openpyxl

            sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
            rows = [[c for c in row[:2]] for row in sheet.iter_rows(values_only=True)]
        else:
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        rows = [
            (str(r[0]).strip(), r[1] if len(r) > 1 else None)
            for r in rows
            if r and r[0] not in (None, "")
        ]
        if (
            rows
            and rows[0][1] is not None
            and not str(rows[0][1]).replace(".", "", 1).isdigit()
        ):
            rows = rows[1:]  # header
        return rows

    def _add_lines(self, amounts):
        present = set(self.line_ids.cardholder_id.ids)
        self.env["onecard.subsidy.line"].create(
            [
                {"batch_id": self.id, "cardholder_id": holder_id, "amount": amount}
                for holder_id, amount in amounts.items()
                if holder_id not in present
            ]
        )
