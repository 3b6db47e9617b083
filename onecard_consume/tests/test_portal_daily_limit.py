"""The holder's own daily limit: set on the portal (model method and controller,
as the portal user), never above the category's, enforced by the engine."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import DAY, utc
from .common_portal import PortalCase


class DailyLimitCase(PortalCase):
    def money_state(self):
        """Ledger rows and wallets: what a declined swipe must leave as it was."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT (SELECT count(*) FROM onecard_transaction), array_agg("
            "(id, balance, chain_head) ORDER BY id)::text FROM onecard_wallet"
        )
        return self.env.cr.fetchone()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.env["onecard.cardholder.category"].create(
            {"name": "Staff with a daily limit", "daily_limit": 100.0}
        )
        (cls.ann | cls.ben).category_id = cls.staff


@tagged("post_install", "-at_install")
class TestPortalDailyLimit(DailyLimitCase):
    def test_set_and_refused_above_the_category(self):
        holder = self.ann.with_user(self.user_a)
        self.assertTrue(holder._portal_set_daily_limit(30.0))
        self.assertEqual(self.ann.own_daily_limit, 30.0)
        self.assertEqual(holder.category_daily_limit, 100.0)
        for bad in (100.01, 150.0, -1.0, None, float("nan")):
            with self.assertRaises(UserError) as refused:
                holder._portal_set_daily_limit(bad)
            self.assertTrue(str(refused.exception.args[0]).strip())
            self.assertEqual(self.ann.own_daily_limit, 30.0, bad)
        self.assertTrue(holder._portal_set_daily_limit(100.0))  # at the category's
        self.assertTrue(holder._portal_set_daily_limit(0.0))  # empty: the category's
        self.assertEqual(self.ann.own_daily_limit, 0.0)

    def test_not_for_another_holder(self):
        with self.assertRaises(AccessError):
            self.ben.with_user(self.user_a)._portal_set_daily_limit(10.0)
        self.assertEqual(self.ben.own_daily_limit, 0.0)

    def test_desk_cannot_set_it_above_the_category_either(self):
        with self.assertRaises(ValidationError):
            self.ann.own_daily_limit = 120.0
        self.assertEqual(self.ann.own_daily_limit, 0.0)

    def test_engine_declines_above_it_and_books_nothing(self):
        self.ann.with_user(self.user_a)._portal_set_daily_limit(30.0)
        card = self.cards[self.ann]
        self.swipe(self.t_north, card, 20.0, utc(DAY, 11))
        before = self.money_state()
        answer = self.consumption.swipe(
            self.t_north,
            card.uid,
            amount=10.01,
            business_time=utc(DAY, 12),
            idempotency_key="own-limit-1",
        )
        self.assertEqual(
            (answer["approved"], answer["code"]), (False, "own_daily_limit"), answer
        )
        self.assertTrue(answer["message"])
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(
            (operation.state, operation.reason_code), ("declined", "own_daily_limit")
        )
        self.assertFalse(operation.transaction_ids)
        self.assertEqual(self.money_state(), before)
        self.assertEqual(self.balances(self.ann)["cash"], 80.0)
        # a replay answers the same and charges nothing; a conflicting one is refused
        replay = self.consumption.swipe(
            self.t_north,
            card.uid,
            amount=10.01,
            business_time=utc(DAY, 12),
            idempotency_key="own-limit-1",
        )
        self.assertEqual(replay["code"], "own_daily_limit")
        self.assertEqual(replay["operation_id"], answer["operation_id"])
        conflict = self.consumption.swipe(
            self.t_north,
            card.uid,
            amount=1.0,
            business_time=utc(DAY, 12),
            idempotency_key="own-limit-1",
        )
        self.assertFalse(conflict["approved"])
        self.assertEqual(self.money_state(), before)
        self.assertEqual(self.balances(self.ann)["cash"], 80.0)
        # up to the limit still pays; another holder of the category is not limited
        self.swipe(self.t_north, card, 10.0, utc(DAY, 13))
        self.swipe(self.t_north, self.cards[self.ben], 50.0, utc(DAY, 13))
        self.assertEqual(self.balances(self.ann)["cash"], 70.0)
        self.assertLedgerInvariant()

    def test_batch_path_sees_it(self):
        """The gateway's group commit (swipe_many) decides with the same rules:
        the second swipe of one batch is over the holder's own limit."""
        self.ann.own_daily_limit = 25.0
        uid = self.cards[self.ann].uid
        answers = self.consumption.swipe_many(
            [
                dict(
                    terminal_id=self.t_north.id,
                    uid=uid,
                    amount=amount,
                    business_time=utc(DAY, 12, minute),
                )
                for amount, minute in ((20.0, 0), (6.0, 1), (5.0, 2))
            ]
        )
        self.assertEqual(
            [a["code"] for a in answers], ["ok", "own_daily_limit", "ok"], answers
        )
        self.assertEqual(self.balances(self.ann)["cash"], 75.0)
        self.assertLedgerInvariant()
        self.assertPostedBalanced(self.settle(DAY))
        self.assertGLMatchesWallets()


@tagged("post_install", "-at_install")
class TestPortalDailyLimitHttp(HttpCase, DailyLimitCase):
    """The form on /my/onecard through the controller, as the portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a.password = cls.user_a.login

    def csrf_token(self):
        page = self.url_open(f"/my/onecard/{self.ann.id}")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def post_limit(self, holder, value):
        return self.url_open(
            f"/my/onecard/{holder.id}/limit",
            data={"csrf_token": self.csrf_token(), "daily_limit": value},
        )

    def test_form(self):
        self.authenticate("oc_portal_a", "oc_portal_a")
        page = self.url_open(f"/my/onecard/{self.ann.id}")
        self.assertIn('name="daily_limit"', page.text)
        saved = self.post_limit(self.ann, "30")
        self.assertEqual(saved.status_code, 200)
        self.assertIn("Your daily spending limit was saved.", saved.text)
        self.assertEqual(self.ann.own_daily_limit, 30.0)
        refused = self.post_limit(self.ann, "150")
        self.assertEqual(refused.status_code, 200)
        self.assertIn("o_onecard_error", refused.text)
        self.assertIn("cannot be above the limit of your category", refused.text)
        self.assertEqual(self.ann.own_daily_limit, 30.0)
        self.assertIn("o_onecard_error", self.post_limit(self.ann, "abc").text)
        self.assertEqual(self.ann.own_daily_limit, 30.0)
        # another holder's account: not found, untouched
        self.assertEqual(self.post_limit(self.ben, "10").status_code, 404)
        self.assertEqual(self.ben.own_daily_limit, 0.0)
