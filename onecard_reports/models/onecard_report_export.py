"""Report exports: a file per request, big ones built in the background.

A small export (under ``onecard_reports.export_threshold`` rows, 100,000 by
default) is written at once in the user's request. A big one is queued
and a scheduled action (triggered immediately, ``ir.cron._trigger``) builds
it. Why the cron and not a thread: a cron job survives the HTTP worker that
queued it, runs in any worker of a multi-process server, and Odoo limits
how many run at once; a thread dies with its worker and competes with
requests for the worker's memory and time limits.

The model never commits and never opens a cursor: the cron framework owns the
transactions. ``_cron_run_exports`` does one step per call, claiming the oldest
queued export (state ``running``) or building the claimed one (state ``done``
or ``failed``, with the file), and reports the steps left with
``ir.cron._notify_progress``; ``ir.cron`` commits after every call and calls
again while steps remain (up to 10 calls a run, then it reschedules the job at
once). So the user sees queued -> running -> done; the percentage goes from 0
to 100 when the file is committed, since a transaction's writes are not seen
before it commits.
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
    def _cron_run_exports(self):
        """One step of the queued exports, in the cron's transaction (module doc)."""
        running = self.search([("state", "=", "running")], order="id", limit=1)
        if running:
            running._build()
        else:
            queued = self.search([("state", "=", "queued")], order="id", limit=1)
            if not queued:
                return
            queued.sudo().write({"state": "running", "progress": 0.0})
        # one step per queued export (claim and build), one per running one (build)
        remaining = 2 * self.search_count([("state", "=", "queued")]) + (
            self.search_count([("state", "=", "running")])
        )
        self.env["ir.cron"]._notify_progress(done=1, remaining=remaining)

    def _build(self):
        """Build the claimed export as its user; a failure is recorded, not raised."""
        self.ensure_one()
        job = self.with_user(self.user_id).with_context(
            allowed_company_ids=[self.company_id.id], lang=self.user_id.lang
        )
        try:
            with self.env.cr.savepoint():
                attachment, count = job._execute()
                self.sudo().write(
                    {
                        "state": "done",
                        "progress": 100.0,
                        "attachment_id": attachment.id,
                        "row_count": count,
                    }
                )
        except Exception as error:
            _logger.exception("Card report export %s failed", self.id)
            self.sudo().write({"state": "failed", "error": str(error)})
        self._notify_user()

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
