from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.onecard_consume.tests.common import LedgerChecks, utc

from ..wizard.onecard_report_spec import FAST_SPECS
from .common import D1, D2, D3, ReportCase

# The period of each check: a month, a day, both months (a range of whole months).
PERIODS = [
    {"period": "month", "day": D1},
    {"period": "day", "day": D1},
    {"period": "day", "day": D2},
    {"period": "range", "date_from": date(2025, 3, 1), "date_to": date(2025, 4, 30)},
]


@tagged("post_install", "-at_install")
class TestRollups(LedgerChecks, ReportCase):
    """The rollup screens give the figures of the ledger rows' screens, folded or
    not, after late rows, corrections and a reversed settlement."""

    def tables(self, wizard):
        """(the ledger rows' grouped figures, the rollups'), keyed by the groups."""
        fast = wizard._fast_spec()
        self.assertTrue(fast, wizard.report)
        out = []
        for spec in (wizard._spec(), fast):
            model = self.env[spec["model"]].with_user(self.accountant)
            aggregates = [
                f"{m}:{model._fields[m].aggregator or 'sum'}" for m in spec["measures"]
            ]
            groupby = wizard._groupby(spec)
            out.append(
                {
                    tuple(row[: len(groupby)]): [
                        round(v or 0, 2) for v in row[len(groupby) :]
                    ]
                    for row in model._read_group(
                        wizard._domain(spec), groupby, aggregates
                    )
                    if any(row[len(groupby) :])
                }
            )
        return out

    def assert_same(self, state):
        self.maxDiff = None
        checked = 0
        for report in FAST_SPECS:
            for period in PERIODS:
                for company in (self.company, self.company_b):
                    wizard = self.wizard(report=report, company_id=company.id, **period)
                    if not wizard._fast_spec():
                        continue  # the holder summary over a day: ledger rows
                    raw, fast = self.tables(wizard)
                    self.assertEqual(fast, raw, f"{state}: {report} {period}")
                    checked += bool(raw)
        self.assertGreater(checked, 20, "the dataset must give figures to compare")

    def fold(self):
        Rollup = self.env["onecard.report.rollup"]
        self.assertEqual(Rollup._fold(), 0)
        self.env.cr.execute(
            "SELECT source, folded_id FROM onecard_rollup_state ORDER BY source"
        )
        return dict(self.env.cr.fetchall())

    def test_same_figures_folded_or_not(self):
        self.assert_same("nothing folded")
        folded = self.fold()
        self.env.cr.execute("SELECT max(id) FROM onecard_transaction")
        self.assertEqual(folded["ledger"], self.env.cr.fetchone()[0])
        self.assert_same("all folded")
        self.assertEqual(self.fold(), folded, "a second fold finds nothing new")
        self.assert_same("folded twice")

        # Late: an offline record of D1 uploaded in April, a correction of a folded
        # swipe, a settlement of D1 reversed: some rows folded, some in the tail.
        Settlement = self.env["onecard.settlement"]
        settled = Settlement.settle(self.company, "day", D1)
        self.swipe(
            self.t_north,
            self.li_card,
            7.5,
            utc(D1, 19, 0),
            offline=True,
            terminal_seq=2,
        )
        lunch = self.env["onecard.operation"].search(
            [("cardholder_id", "=", self.zhang.id), ("amount", "=", 60.0)]
        )
        with freeze_time(utc(D3, 16)):
            self.ledger.correct(lunch, "Charged twice")
        self.assert_same("late rows in the tail")
        self.fold()
        settled.action_reverse()
        Settlement.settle(self.company, "day", D1)
        self.swipe(self.t_shop, self.zhang_card, 3.0, utc(D3, 13, 0))
        self.assert_same("after the second fold, a settlement reversed")
        self.fold()
        self.assert_same("all folded again")
        self.assertLedgerInvariant()

    def test_time_zone_change_refolds(self):
        """The rollups keep local days: a company moving zone empties them, and the
        figures are those of the ledger rows in the new zone, folded or not."""
        self.fold()
        self.company.partner_id.tz = "Europe/Paris"
        self.env.cr.execute("SELECT count(*) FROM onecard_rollup_swipe_day")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assert_same("emptied after the zone changed")
        self.fold()
        self.assert_same("folded in the new zone")

    def test_never_folds_past_a_writer_in_flight(self):
        """While another transaction may still commit ledger rows, a fold gives up
        (after its lock timeout) instead of moving the mark past them."""
        # (no fold before: a fold's lock lasts until its transaction ends, this
        # test's own)
        self.env.cr.execute("SELECT source, folded_id FROM onecard_rollup_state")
        folded = dict(self.env.cr.fetchall())
        self.env.flush_all()
        with self.registry.cursor() as writer:
            writer.execute("LOCK TABLE onecard_transaction IN ROW EXCLUSIVE MODE")
            with (
                self.assertRaises(psycopg2.errors.LockNotAvailable),
                self.env.cr.savepoint(),
            ):
                self.env["onecard.report.rollup"]._fold()
            # the scheduled fold, in a transaction of its own, waits for next time
            self.env["onecard.report.rollup"]._cron_fold()
            writer.rollback()
        self.env.cr.execute("SELECT folded_id FROM onecard_rollup_state")
        self.assertEqual(
            sorted(r[0] for r in self.env.cr.fetchall()), sorted(folded.values())
        )
        self.assertGreater(self.fold()["ledger"], folded["ledger"])
        self.assert_same("folded once the writer was gone")

    def test_wizard_picks_the_rollups_it_can(self):
        month = self.wizard(report="cardholder")
        self.assertEqual(month._screen_spec()["model"], "onecard.report.holder.month")
        self.assertEqual(
            month.action_open()["res_model"], "onecard.report.holder.month"
        )
        # not whole months, a filter the rollup has not, an amount bound: ledger rows
        for vals in (
            {"report": "cardholder", "period": "day"},
            {"report": "cardholder", "card_kind": "temporary"},
            {"report": "terminal", "cardholder_ids": [self.zhang.id]},
            {"report": "terminal", "include_reversed": False},
            {"report": "fund", "amount_min": 10.0},
            {"report": "consumption"},
        ):
            wizard = self.wizard(**vals)
            self.assertFalse(wizard._fast_spec(), vals)
            self.assertEqual(
                wizard.action_open()["res_model"], wizard._spec()["model"], vals
            )
        # the XLSX of detail rows reads the ledger rows whatever the screen
        fund = self.wizard(report="fund", detail=True)
        self.assertTrue(fund._fast_spec())
        self.assertEqual(
            fund._count_rows(),
            len(
                self.sql(
                    "SELECT id FROM onecard_transaction WHERE company_id = %s "
                    "AND business_time >= %s AND business_time < %s",
                    self.company.id,
                    *fund._utc_bounds(),
                )
            ),
        )
