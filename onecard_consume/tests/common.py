from contextlib import contextmanager
from datetime import date, datetime

import pytz

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.onecard_consume.tools.chain import GENESIS

TZ = pytz.timezone("Asia/Shanghai")
DAY = date(2025, 3, 10)  # a Monday


def utc(day, hour, minute=0, second=0):
    """Naive UTC datetime of a wall-clock time in the company's zone (Asia/Shanghai):
    what swipe() takes as business time."""
    local = TZ.localize(datetime(day.year, day.month, day.day, hour, minute, second))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def local_to_utc(hour, minute=0, day=DAY, second=0):
    """utc() on DAY unless told."""
    return utc(day, hour, minute, second)


def create_meal_periods(env, code, name="", dinner_end=19.0):
    """Breakfast 06:00-09:00, lunch 11:00-13:30, dinner from 17:00 (local hours)."""
    return env["onecard.meal.period"].create(
        [
            {
                "name": f"{name}{label}",
                "code": f"{code}_{short}",
                "sequence": 1,
                "start_hour": start,
                "end_hour": end,
            }
            for label, short, start, end in (
                ("Breakfast", "BRK", 6.0, 9.0),
                ("Lunch", "LUN", 11.0, 13.5),
                ("Dinner", "DIN", 17.0, dinner_end),
            )
        ]
    )


def setup_onecard_env(cls):
    """Class setup shared by every OneCard test base: no chatter noise, the
    company in Asia/Shanghai (meal windows are local), subsidy spent first; the
    engine and the payment methods at hand."""
    cls.env = cls.env(
        context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True)
    )
    cls.company = cls.env.company
    cls.company.partner_id.tz = "Asia/Shanghai"
    cls.company.onecard_spend_order = "subsidy_first"
    # WeChat Pay and Alipay have clearing journals only where an accountant set them up.
    cls.env["onecard.payment.method"].search(
        [("code", "in", ("wechat", "alipay"))]
    ).action_setup()
    cls.currency = cls.company.currency_id
    cls.ledger = cls.env["onecard.ledger"]
    cls.consumption = cls.env["onecard.consumption"]
    cls.cash = cls.env.ref("onecard_consume.payment_method_cash")
    cls.bank = cls.env.ref("onecard_consume.payment_method_bank")
    cls.wechat = cls.env.ref("onecard_consume.payment_method_wechat")
    cls.alipay = cls.env.ref("onecard_consume.payment_method_alipay")


class LedgerChecks:
    """The money checks every OneCard test base runs: wallets and their ledger."""

    def balances(self, holder):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT kind, balance FROM onecard_wallet WHERE cardholder_id = %s",
            [holder.id],
        )
        return {kind: float(balance) for kind, balance in self.env.cr.fetchall()}

    def assertLedgerInvariant(self):
        """For every wallet: stored balance == sum of its rows; balance_after and hash
        links chain."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("""
            SELECT w.id, w.balance, COALESCE(SUM(t.amount), 0)
              FROM onecard_wallet w LEFT JOIN onecard_transaction t ON t.wallet_id =
              w.id
             GROUP BY w.id, w.balance
            HAVING w.balance IS DISTINCT FROM COALESCE(SUM(t.amount), 0)
        """)
        self.assertEqual(cr.fetchall(), [], "wallet balance != sum of its ledger rows")
        cr.execute(
            """
            SELECT id, wallet_id FROM (
                SELECT t.id, t.wallet_id, t.balance_after, t.prev_hash,
                       SUM(t.amount) OVER w AS running, LAG(t.hash) OVER w AS previous
                  FROM onecard_transaction t
                WINDOW w AS (PARTITION BY t.wallet_id ORDER BY t.id)
            ) rows
             WHERE balance_after IS DISTINCT FROM running OR prev_hash IS DISTINCT FROM
             COALESCE(previous, %s)
        """,
            [GENESIS],
        )
        self.assertEqual(cr.fetchall(), [], "broken balance_after / hash chain")
        cr.execute(
            """
            SELECT w.id FROM onecard_wallet w
              LEFT JOIN LATERAL (SELECT hash, balance_after FROM onecard_transaction t
                                  WHERE t.wallet_id = w.id ORDER BY t.id DESC LIMIT 1)
                                  last ON TRUE
             WHERE w.chain_head IS DISTINCT FROM COALESCE(last.hash, %s)
                OR w.balance IS DISTINCT FROM COALESCE(last.balance_after, 0)
        """,
            [GENESIS],
        )
        self.assertEqual(
            cr.fetchall(), [], "wallet head / balance differs from its last ledger row"
        )
        cr.execute("SELECT DISTINCT wallet_id FROM onecard_transaction")
        wallets = self.env["onecard.wallet"].browse([r[0] for r in cr.fetchall()])
        self.assertEqual(wallets._verify_chain(), [])


class OnecardCase(LedgerChecks, TransactionCase):
    """Own data for money tests: periods, categories, a canteen, a terminal per mode,
    holders, cards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.operator = new_test_user(
            cls.env,
            login="oc_test_operator",
            groups="onecard_consume.group_onecard_operator",
        )

        cls.breakfast, cls.lunch, cls.dinner = create_meal_periods(cls.env, "T")
        cls.meals = cls.env["onecard.consume.category"].create(
            {"name": "Test meals", "code": "T_MEALS"}
        )
        cls.canteen = cls.env["onecard.canteen"].create(
            {"name": "Test Canteen", "code": "T_CANTEEN"}
        )

        Terminal = cls.env["onecard.terminal"]

        def terminal(code, mode, **vals):
            return Terminal.create(
                dict(
                    name=f"T {code}",
                    code=code,
                    mode=mode,
                    canteen_id=cls.canteen.id,
                    consume_category_id=cls.meals.id,
                    **vals,
                )
            )

        cls.t_amount = terminal("T_AMT", "amount")
        cls.t_key = terminal(
            "T_KEY",
            "key",
            key_ids=[
                (0, 0, {"key": 1, "name": "Rice", "amount": 5.0}),
                (0, 0, {"key": 2, "name": "Noodles", "amount": 12.5}),
            ],
        )
        cls.t_fixed = terminal("T_FIX", "fixed", fixed_amount=8.0)
        cls.t_meal = terminal("T_MEAL", "meal")
        cls.t_count = terminal("T_CNT", "count", fixed_amount=6.0)
        cls.t_postpaid = terminal("T_POST", "postpaid")
        cls.t_repeat = terminal("T_REP", "fixed", fixed_amount=2.0, repeat_interval=60)

        Category = cls.env["onecard.cardholder.category"]
        cls.staff = Category.create(
            {
                "name": "Test staff",
                "meal_limit": 60.0,
                "daily_limit": 100.0,
                "pin_threshold": 40.0,
                "meals_per_period": 1,
                "credit_limit": 50.0,
                "meal_price_ids": [
                    (0, 0, {"meal_period_id": cls.breakfast.id, "price": 3.0}),
                    (0, 0, {"meal_period_id": cls.lunch.id, "price": 12.0}),
                ],  # no dinner price: "no_price"
            }
        )
        cls.vip = Category.create(
            {
                "name": "Test discount 20%",
                "discount_percent": 20.0,
                "meals_per_period": 2,
                "meal_price_ids": [
                    (0, 0, {"meal_period_id": cls.lunch.id, "price": 15.0})
                ],
            }
        )
        cls.visitor = Category.create(
            {
                "name": "Test visitor",
                "allowed_terminal_ids": [(6, 0, [cls.t_fixed.id, cls.t_meal.id])],
                "allowed_meal_period_ids": [(6, 0, [cls.lunch.id])],
                "meal_price_ids": [
                    (0, 0, {"meal_period_id": cls.lunch.id, "price": 20.0})
                ],
            }
        )

        cls.alice, cls.alice_card = cls.make_holder(
            "Alice", "T001", cls.staff, "04A1B2C3", cash=100.0, subsidy=50.0
        )
        cls.bob, cls.bob_card = cls.make_holder(
            "Bob", "T002", cls.vip, "04A1B2C4", cash=100.0
        )
        cls.vera, cls.vera_card = cls.make_holder(
            "Vera", "T003", cls.visitor, "04A1B2C5", cash=100.0
        )

    # ----------------------------------------------------------- builders
    @classmethod
    def make_holder(cls, name, code, category, uid, cash=0.0, subsidy=0.0):
        holder = cls.env["onecard.cardholder"].create(
            {"name": name, "code": code, "category_id": category.id}
        )
        card = cls.ledger.issue_card(
            holder, uid, topup=cash, method=cls.cash if cash else None
        )
        if subsidy:
            cls.grant_subsidy(holder, subsidy)
        return holder, card

    @classmethod
    def grant_subsidy(cls, holder, amount):
        """Subsidy batches live elsewhere; book a grant through the engine's one booking
        path."""
        return cls.ledger._simple(
            "subsidy_grant",
            holder,
            [{"wallet": holder._wallet("subsidy"), "amount": amount}],
            amount=amount,
        )

    def swipe(self, terminal, card_or_uid, at=None, **kw):
        uid = card_or_uid.uid if hasattr(card_or_uid, "uid") else card_or_uid
        return self.consumption.swipe(
            terminal, uid, business_time=at or local_to_utc(12, 0), **kw
        )

    # ------------------------------------------------------------ asserts
    def assertBalances(self, holder, **expected):
        actual = self.balances(holder)
        for kind, amount in expected.items():
            self.assertAlmostEqual(
                actual[kind],
                amount,
                places=2,
                msg=f"{kind} wallet of {holder.name}",
            )

    def snapshot(self):
        """Everything a refused request must leave untouched."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "SELECT (SELECT count(*) FROM onecard_transaction), (SELECT count(*) "
            "FROM onecard_operation), "
            "(SELECT count(*) FROM onecard_card), (SELECT count(*) FROM "
            "onecard_card_history)"
        )
        counts = cr.fetchone()
        cr.execute("SELECT id, balance, chain_head FROM onecard_wallet ORDER BY id")
        wallets = cr.fetchall()
        cr.execute("SELECT id, state, deposit FROM onecard_card ORDER BY id")
        cards = cr.fetchall()
        return {"counts": counts, "wallets": wallets, "cards": cards}

    @contextmanager
    def assertRefused(self, message=None, exception=(UserError, ValidationError)):
        """The block must raise a business error with a message and write nothing.

        No savepoint on purpose (unlike assertRaises): the engine itself must
        check before it writes, so a caller that catches the error is safe.
        """
        before = self.snapshot()
        try:
            yield
        except exception as error:
            text = str(error.args[0] if error.args else error)
            self.assertTrue(text.strip(), "refusal without a message")
            if message:
                self.assertRegex(text, message)
        else:
            self.fail("the request was not refused")
        self.assertEqual(self.snapshot(), before, "a refused request changed data")

    def assertDeclined(self, answer, code):
        """A declined swipe: code, nothing booked, the refusal stored."""
        self.assertFalse(answer["approved"], answer)
        self.assertEqual(answer["code"], code, answer)
        self.assertTrue(answer["message"])
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(operation.state, "declined")
        self.assertEqual(operation.reason_code, code)
        self.assertFalse(
            operation.transaction_ids, "a declined swipe booked ledger rows"
        )
        self.assertEqual(operation.amount, 0.0)
