from datetime import timedelta

from odoo import api, fields, models

from ..lib.signing import MAX_SKEW


class OnecardTerminalNonce(models.Model):
    """Signatures already accepted: a replayed request is refused.

    The unique index makes the check correct under concurrency: the API
    inserts with ON CONFLICT DO NOTHING in the transaction of the work, so two
    copies of one signed request racing each other cannot both pass (the
    second INSERT waits for the first transaction, then finds the row).
    Rows older than twice the allowed clock skew are useless (their timestamp
    is refused anyway) and purged by a cron.
    """

    _name = "onecard.terminal.nonce"
    _description = "Terminal Request Signature"
    _log_access = False

    terminal_id = fields.Many2one("onecard.terminal", required=True, ondelete="cascade")
    signature = fields.Char(required=True)
    received = fields.Datetime(required=True)

    _sql_constraints = [
        ("signature_uniq", "unique(signature)", "A signed request is accepted once.")
    ]

    @api.model
    def _use(self, terminal, signature):
        """Record a signature; False when it was already used."""
        self.env.cr.execute(
            """
            INSERT INTO onecard_terminal_nonce (terminal_id, signature, received)
            VALUES (%s, %s, %s)
            ON CONFLICT (signature) DO NOTHING RETURNING id
        """,
            [terminal.id, signature, fields.Datetime.now()],
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _use_many(self, signatures):
        """Record many signatures ({signature: terminal id}) in one statement; return
        the new ones."""
        if not signatures:
            return set()
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            INSERT INTO onecard_terminal_nonce (terminal_id, signature, received)
            SELECT t, s, %s FROM unnest(%s::int[], %s::varchar[]) v(t, s)
            ON CONFLICT (signature) DO NOTHING RETURNING signature
        """,
            [now, list(signatures.values()), list(signatures)],
            log_exceptions=False,
        )  # racing replays: retried
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _purge(self):
        self.env.cr.execute(
            "DELETE FROM onecard_terminal_nonce WHERE received < %s",
            [fields.Datetime.now() - timedelta(seconds=2 * MAX_SKEW)],
        )
