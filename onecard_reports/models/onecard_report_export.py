"""Report exports: a file per request, big ones built in the background.

A small export (under ``onecard_reports.export_threshold`` rows, 100,000 by
default) is written at once in the user's request. A big one is queued
and a scheduled action (triggered immediately, ``ir.cron._trigger``) builds
it. Why the cron and not a thread: a cron job survives the HTTP worker that
queued it, runs in any worker of a multi-process server, and Odoo limits
how many run at once; a thread dies with its worker and competes with
requests for the worker's memory and time limits.

The cron job owns its transactions (as the gateway owns its): it works in a
cursor of its own for the data and the file, and reports progress through a
second short-lived cursor that commits after every chunk, so the user sees
the percentage move while the export runs. The job record itself is only
touched by that progress cursor (state, progress, file), never by the work
cursor, so the two transactions never update the same row.
"""

import logging
import os
import tempfile

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 100_000


class OnecardReportExport(models.Model):
    _name = "onecard.report.export"
    _description = "Card Report Export"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, required=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
    )
    progress = fields.Float(readonly=True, help="Percentage of the rows written.")
    row_count = fields.Integer(string="Rows", readonly=True)
    background = fields.Boolean(readonly=True)
    wizard_values = fields.Json(readonly=True, help="The filters of the report wizard.")
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    error = fields.Text(readonly=True)

    # ------------------------------------------------------------ actions
    def action_download(self):
        self.ensure_one()
        if self.state != "done" or not self.attachment_id:
            raise UserError(self.env._("The file is not ready yet."))
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
        }

    # ---------------------------------------------------------- business
    @api.model
    def _threshold(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("onecard_reports.export_threshold")
        )
        return int(value) if value else DEFAULT_THRESHOLD

    def _wizard(self, env=None):
        env = env or self.env
        values = dict(self.wizard_values or {})
        return env["onecard.report.wizard"].with_company(self.company_id).new(values)

    def _execute(self, progress=None):
        """Build the file in the current transaction; return the attachment."""
        self.ensure_one()
        wizard = self._wizard()
        handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="onecard_")
        os.close(handle)
        try:
            count = wizard._write_xlsx(path, progress=progress)
            with open(path, "rb") as stream:
                attachment = self.env["ir.attachment"].create(
                    {
                        "name": f"{self.name}.xlsx",
                        "raw": stream.read(),
                        "res_model": self._name,
                        "res_id": self.id,
                        "mimetype": (
                            "application/vnd.openxmlformats-officedocument"
                            ".spreadsheetml.sheet"
                        ),
                    }
                )
        finally:
            os.unlink(path)
        return attachment, count

    def _run_now(self):
        """Small export: build the file inside the user's request."""
        for export in self:
            attachment, count = export._execute()
            export.write(
                {
                    "state": "done",
                    "progress": 100.0,
                    "attachment_id": attachment.id,
                    "row_count": count,
                }
            )

    @api.model
    def _cron_run(self):
        """Build the queued exports, each in cursors of its own (see the module doc)."""
        for export_id in self.search([("state", "=", "queued")], order="id").ids:
            self._run_in_background(export_id)

    @api.model
    def _run_in_background(self, export_id):
        registry = self.env.registry
        with registry.cursor() as status_cr:
            status = api.Environment(status_cr, self.env.uid, self.env.context)

            def set_status(**vals):
                status[self._name].browse(export_id).sudo().write(vals)
                status_cr.commit()

            export = status[self._name].browse(export_id)
            if export.state != "queued":
                return
            user_id, company_id, lang = (
                export.user_id.id,
                export.company_id.id,
                export.user_id.lang,
            )
            set_status(state="running", progress=0.0)
            try:
                with registry.cursor() as work_cr:
                    work = api.Environment(
                        work_cr,
                        user_id,
                        dict(
                            self.env.context,
                            allowed_company_ids=[company_id],
                            lang=lang,
                        ),
                    )
                    job = work[self._name].browse(export_id)
                    attachment, count = job._execute(
                        progress=lambda done, total: set_status(
                            progress=100.0 * done / (total or 1)
                        )
                    )
                    attachment_id = attachment.id
                    # leaving the block commits the file before the job points at it
                set_status(
                    state="done",
                    progress=100.0,
                    attachment_id=attachment_id,
                    row_count=count,
                )
            except Exception as error:
                _logger.exception("Card report export %s failed", export_id)
                status_cr.rollback()
                set_status(state="failed", error=str(error))
            status[self._name].browse(export_id)._notify_user()

    def _notify_user(self):
        for export in self:
            export.user_id._bus_send(
                "simple_notification",
                {
                    "type": "success" if export.state == "done" else "danger",
                    "title": self.env._("Report export"),
                    "message": self.env._(
                        "%(name)s: %(state)s",
                        name=export.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[export.state],
                    ),
                },
            )

    @api.model
    def _queue(self, name, wizard_values):
        export = self.create(
            {"name": name, "wizard_values": wizard_values, "background": True}
        )
        self.env.ref("onecard_reports.ir_cron_onecard_report_export").sudo()._trigger()
        return export
