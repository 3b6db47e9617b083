"""Report rollups: per-day and per-month sums of the ledger kept beside it.

A year of a large campus is tens of millions of ledger rows; summing them on every
screen is seconds. The rollup tables (tools/rollup_sql.py) hold the same sums at
the grain the summary reports group by, and the rollup report views read them
*plus the rows not folded yet* (``id`` above the source's ``folded_id``), in one
snapshot: so a report is exact at any moment, however late the last fold, and
the rollups never decide a figure on their own.

Ledger rows and operations are append-only (a correction is a new operation and
new rows; settlement and the reversal link touch no rolled-up column), so a fold
only ever adds the rows above a high-water mark. The mark must not pass a row that
is not committed yet: ids come from a sequence, and a transaction that took id 100
may commit after one that took 101. So a fold first takes a SHARE lock on the two
tables: it waits for the writers in flight (a swipe batch: milliseconds) and holds
new ones back while it folds (the rows since the last fold: milliseconds), and
gives up after ``LOCK_TIMEOUT`` rather than keep the terminals waiting behind it
(a settlement marking rows holds them for seconds): the next run folds. With the
lock, every id up to the highest one seen is committed or rolled back.
"""

import logging

import psycopg2

from odoo import api, models
from odoo.tools import SQL

from ..tools import rollup_sql

_logger = logging.getLogger(__name__)

# Ids folded per source and call: one call stays short whatever the backlog (a
# first fold of an existing database goes on in later calls).
CHUNK = 200_000
LOCK_TIMEOUT = "200ms"


class OnecardReportRollup(models.AbstractModel):
    _name = "onecard.report.rollup"
    _description = "Card Report Rollups"

    def init(self):
        cr = self.env.cr
        cr.execute(rollup_sql.STATE_TABLE)
        for name in rollup_sql.TABLES:
            cr.execute(rollup_sql.create_table_sql(name))
        for name in rollup_sql.TAILS:
            cr.execute(rollup_sql.tail_function_sql(name))
        cr.execute(
            "INSERT INTO onecard_rollup_state (source) SELECT unnest(%s::varchar[]) "
            "ON CONFLICT DO NOTHING",
            [list(rollup_sql.SOURCES)],
        )

    @api.model
    def _fold(self, chunk=CHUNK):
        """Fold the new rows of every source; return how many ids are left beyond
        one chunk. Run it in a transaction that has read nothing yet (its snapshot
        must be taken after the lock: ``_cron_fold``), or where nobody else writes
        (tests, a generator)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("SET LOCAL lock_timeout = %s", LOCK_TIMEOUT))
        cr.execute(
            "LOCK TABLE onecard_operation, onecard_transaction, onecard_rollup_state "
            "IN SHARE ROW EXCLUSIVE MODE",
            log_exceptions=False,  # a busy ledger is no error: the next run folds
        )
        left = 0
        for source, (table, folds) in rollup_sql.SOURCES.items():
            cr.execute(
                SQL(
                    "SELECT folded_id, (SELECT COALESCE(max(id), 0) FROM %s) "
                    "FROM onecard_rollup_state WHERE source = %s",
                    SQL.identifier(table),
                    source,
                )
            )
            folded, newest = cr.fetchone()
            upto = min(newest, folded + chunk)
            if upto <= folded:
                continue
            for name, measures, select in folds:
                cr.execute(
                    rollup_sql.upsert_sql(name, select, measures),
                    {"lo": folded, "hi": upto},
                )
            cr.execute(
                "UPDATE onecard_rollup_state SET folded_id = %s WHERE source = %s",
                [upto, source],
            )
            left += newest - upto
        return left

    @api.model
    def _rebuild(self):
        """Empty the rollups; the next folds rebuild them from the ledger (after a
        company changed its time zone: the rollups keep local dates)."""
        cr = self.env.cr
        cr.execute("LOCK TABLE onecard_rollup_state IN SHARE ROW EXCLUSIVE MODE")
        for name in rollup_sql.TABLES:
            cr.execute(SQL("TRUNCATE %s", SQL.identifier(name)))
        cr.execute("UPDATE onecard_rollup_state SET folded_id = 0")

    @api.model
    def _cron_fold(self):
        # A transaction of its own, so its snapshot is taken after the lock.
        with self.env.registry.cursor() as cr:
            try:
                left = self.with_env(self.env(cr=cr))._fold()
            except psycopg2.errors.LockNotAvailable:
                cr.rollback()
                _logger.info("report rollups: the ledger is busy, folded next run")
                return
        if left:
            # Called again at once (up to ten calls a run) while a backlog remains.
            self.env["ir.cron"]._notify_progress(done=1, remaining=1)
