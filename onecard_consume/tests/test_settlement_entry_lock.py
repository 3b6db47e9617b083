"""A posted settlement's entry cannot be reset, cancelled, edited or deleted: the
way out is the settlement's reversal (issue 17, item 3)."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common_money import DAY, CardMoneyCase, utc


@tagged("post_install", "-at_install")
class TestSettlementEntryLock(CardMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An Odoo accountant with every right on entries: the guard is not a matter
        # of access rights.
        cls.gl_manager = new_test_user(
            cls.env,
            login="oc_lock_gl_manager",
            groups="account.group_account_manager,base.group_user",
        )
        with freeze_time(utc(DAY, 10)):
            cls.card = cls.env["onecard.ledger"].issue_card(
                cls.ann, "5D000001", topup=80.0, method=cls.cash
            )

    def _settled(self):
        self.swipe(self.t_north, self.card, 12.5, utc(DAY, 12))
        settlement = self.settle(DAY)
        self.assertPostedBalanced(settlement)
        return settlement

    def assertBooksIntact(self, settlement):
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(settlement.move_id.state, "posted")
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()
        self.assertLedgerInvariant()

    def test_card_journal_hashes_posted_entries(self):
        settlement = self._settled()
        self.assertTrue(self.company.onecard_journal_id.restrict_mode_hash_table)
        self.assertTrue(settlement.move_id.inalterable_hash)

    def test_entry_cannot_be_reset_cancelled_or_deleted(self):
        settlement = self._settled()
        move = settlement.move_id.with_user(self.gl_manager)
        for attempt in (
            move.button_draft,
            move.button_cancel,
            lambda: move.write({"state": "draft"}),
            move.unlink,
        ):
            with self.subTest(attempt=attempt), self.assertRaises(UserError):
                attempt()
            self.assertBooksIntact(settlement)

    def test_guard_holds_without_the_hash_lock(self):
        settlement = self._settled()
        # As if somebody had switched the lock off behind Odoo's back.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_journal SET restrict_mode_hash_table = FALSE WHERE id = %s",
            [self.company.onecard_journal_id.id],
        )
        self.env.cr.execute(
            "UPDATE account_move SET inalterable_hash = NULL WHERE id = %s",
            [settlement.move_id.id],
        )
        self.env.invalidate_all()
        move = settlement.move_id.with_user(self.gl_manager)
        with self.assertRaisesRegex(UserError, settlement.name):
            move.button_draft()
        with self.assertRaisesRegex(UserError, settlement.name):
            move.write({"state": "cancel"})
        with self.assertRaises(UserError):
            move.unlink()
        self.assertBooksIntact(settlement)

    def test_lines_cannot_be_edited(self):
        settlement = self._settled()
        line = settlement.move_id.line_ids.filtered("credit")[:1].with_user(
            self.gl_manager
        )
        other = self.company.onecard_subsidy_account_id
        with self.assertRaises(UserError):
            line.write({"account_id": other.id})
        self.assertBooksIntact(settlement)

    def test_reversal_is_the_way_out(self):
        settlement = self._settled()
        settlement.with_user(self.accountant).action_reverse()
        self.assertEqual(settlement.state, "reversed")
        self.assertEqual(settlement.move_id.state, "posted")
        self.assertEqual(settlement.reversal_move_id.state, "posted")
        self.assertTrue(settlement.reversal_move_id.inalterable_hash)
        reversal = settlement.reversal_move_id.with_user(self.gl_manager)
        with self.assertRaises(UserError):
            reversal.button_draft()
        # Re-settled: the books match again.
        again = self.settle(DAY)
        self.assertPostedBalanced(again)
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()

    def test_other_entries_unaffected(self):
        journal = self.env["account.journal"].create(
            {
                "name": "Other",
                "code": "OTHX",
                "type": "general",
                "company_id": self.company.id,
            }
        )
        account = self.company.onecard_cash_account_id
        move = self.env["account.move"].create(
            {
                "journal_id": journal.id,
                "line_ids": [
                    (0, 0, {"account_id": account.id, "debit": 1.0}),
                    (0, 0, {"account_id": account.id, "credit": 1.0}),
                ],
            }
        )
        move.action_post()
        move.button_draft()
        self.assertEqual(move.state, "draft")
        move.unlink()
        self.assertFalse(move.exists())
