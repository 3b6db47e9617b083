"""A fixed dataset booked through the money engine, and independent SQL sums.

Company A lives in Asia/Shanghai. Scenario (local times):
  2025-03-10 (D1)  issue cards, deposits, top-ups (cash, WeChat), subsidy;
                   张三 breakfast 07:30 (= 23:30 UTC the day before), lunch
                   paid from subsidy + cash, 李四 at the shop, 王五 dinner,
                   an offline record driving 李四 below zero, a decline.
  2025-03-11 (D2)  王五's dinner corrected, 张三 refund, temporary card and
                   transfers official <-> temporary, a temporary-card swipe.
  2025-04-01 (D3)  张三 swipes, 王五 returns his card.
  February 2025    nothing: the empty period.
Company B has its own holder, terminal and swipes the same days.
"""

from datetime import date

import pytz
from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.onecard_consume.tests.common import (
    create_meal_periods,
    setup_onecard_env,
    utc,
)

TZ = pytz.timezone("Asia/Shanghai")
D1, D2, D3 = date(2025, 3, 10), date(2025, 3, 11), date(2025, 4, 1)
CONSUME = ("consume", "back_entry", "correction")


class ReportCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.company._onecard_ensure_accounting()
        cls.company_b = cls.env["res.company"].create({"name": "OneCard Report B"})
        cls.company_b.partner_id.tz = "Asia/Shanghai"
        cls.accountant = new_test_user(
            cls.env,
            login="oc_rep_accountant",
            groups="onecard_consume.group_onecard_accountant",
            company_id=cls.company.id,
            company_ids=[cls.company.id, cls.company_b.id],
            lang="en_US",
        )

        cls.breakfast, cls.lunch, cls.dinner = create_meal_periods(
            cls.env, "R", "R ", dinner_end=20.0
        )
        Category = cls.env["onecard.consume.category"]
        cls.meals, cls.shop = Category.create(
            [
                {"name": "R Meals", "code": "R_MEALS"},
                {"name": "R Shop", "code": "R_SHOP"},
            ]
        )
        Canteen = cls.env["onecard.canteen"]
        cls.north, cls.south = Canteen.create(
            [
                {"name": "R North", "code": "R_NORTH"},
                {"name": "R South", "code": "R_SOUTH"},
            ]
        )
        Terminal = cls.env["onecard.terminal"]
        cls.t_north = Terminal.create(
            {
                "name": "R North 1",
                "code": "R_N1",
                "mode": "amount",
                "canteen_id": cls.north.id,
                "consume_category_id": cls.meals.id,
            }
        )
        cls.t_shop = Terminal.create(
            {
                "name": "R Shop 1",
                "code": "R_S1",
                "mode": "amount",
                "canteen_id": cls.south.id,
                "consume_category_id": cls.shop.id,
            }
        )
        Department = cls.env["hr.department"]
        cls.rd = Department.create({"name": "研发部"})
        cls.admin_dept = Department.create({"name": "行政部"})
        cls.staff = cls.env["onecard.cardholder.category"].create({"name": "R Staff"})
        Holder = cls.env["onecard.cardholder"]
        cls.zhang, cls.li, cls.wang = Holder.create(
            [
                {
                    "name": "张三",
                    "code": "R001",
                    "department_id": cls.rd.id,
                    "category_id": cls.staff.id,
                },
                {
                    "name": "李四",
                    "code": "R002",
                    "department_id": cls.rd.id,
                    "category_id": cls.staff.id,
                },
                {
                    "name": "王五",
                    "code": "R003",
                    "department_id": cls.admin_dept.id,
                    "category_id": cls.staff.id,
                },
            ]
        )
        cls.outsider = Holder.create(
            {"name": "Nobody", "code": "R009", "department_id": cls.admin_dept.id}
        )

        # Company B
        canteen_b = Canteen.with_company(cls.company_b).create(
            {"name": "B Canteen", "code": "R_B", "company_id": cls.company_b.id}
        )
        cls.t_b = Terminal.with_company(cls.company_b).create(
            {
                "name": "B 1",
                "code": "R_B1",
                "mode": "amount",
                "canteen_id": canteen_b.id,
                "consume_category_id": cls.meals.id,
            }
        )
        cls.holder_b = Holder.with_company(cls.company_b).create(
            {"name": "Bee", "code": "R101", "company_id": cls.company_b.id}
        )

        ledger = cls.ledger
        with freeze_time(utc(D1, 9)):
            cls.zhang_card = ledger.issue_card(
                cls.zhang, "0A0B0C01", deposit=20.0, topup=200.0, method=cls.cash
            )
            cls.li_card = ledger.issue_card(
                cls.li, "0A0B0C02", topup=100.0, method=cls.wechat
            )
            cls.wang_card = ledger.issue_card(
                cls.wang, "0A0B0C03", deposit=10.0, topup=50.0, method=cls.bank
            )
            ledger._simple(
                "subsidy_grant",
                cls.zhang,
                [{"wallet": cls.zhang._wallet("subsidy"), "amount": 50.0}],
                amount=50.0,
            )
            cls.b_card = ledger.with_company(cls.company_b).issue_card(
                cls.holder_b.with_company(cls.company_b),
                "0A0B0C09",
                topup=500.0,
                method=cls.cash,
            )
        cls.swipe(
            cls.t_north, cls.zhang_card, 5.0, utc(D1, 7, 30)
        )  # breakfast, local D1 / UTC D0
        cls.swipe(
            cls.t_north, cls.zhang_card, 60.0, utc(D1, 12, 0)
        )  # 45 subsidy + 15 cash
        cls.swipe(cls.t_shop, cls.li_card, 20.0, utc(D1, 12, 10))
        cls.dinner_op = cls.swipe(cls.t_north, cls.wang_card, 15.0, utc(D1, 18, 0))
        cls.swipe(
            cls.t_north,
            cls.li_card,
            90.0,
            utc(D1, 18, 30),
            offline=True,
            terminal_seq=1,
        )  # 李四 -> -10
        cls.declined = cls.consumption.swipe(
            cls.t_north, cls.wang_card.uid, amount=5000.0, business_time=utc(D1, 18, 40)
        )
        cls.swipe(cls.t_b, cls.b_card, 50.0, utc(D1, 12, 5))
        with freeze_time(utc(D2, 10)):
            ledger.correct(
                cls.env["onecard.operation"].browse(cls.dinner_op["operation_id"]),
                "Wrong amount",
            )
            ledger.refund(cls.zhang_card, 20.0, cls.cash)
            cls.zhang_temp = ledger.issue_card(cls.zhang, "0A0B0C11", kind="temporary")
            ledger.transfer(cls.zhang, 30.0, to_temporary=True)
            ledger.transfer(cls.zhang, 10.0, to_temporary=False)
            ledger.topup(cls.li_card, 40.0, cls.cash)
        cls.swipe(cls.t_shop, cls.zhang_temp, 12.0, utc(D2, 12, 0))
        cls.swipe(cls.t_north, cls.zhang_card, 8.0, utc(D3, 12, 0))
        with freeze_time(utc(D3, 15)):
            ledger.return_card(cls.wang_card, cls.cash)
        cls.swipe(cls.t_b, cls.b_card, 7.0, utc(D3, 12, 5))
        cls.env.flush_all()

    @classmethod
    def swipe(cls, terminal, card, amount, when, **kw):
        answer = cls.consumption.swipe(
            terminal, card.uid, amount=amount, business_time=when, **kw
        )
        assert answer["approved"], answer
        return answer

    # ------------------------------------------------------------ helpers
    def wizard(self, user=None, **vals):
        vals.setdefault("period", "month")
        vals.setdefault("day", D1)
        Wizard = self.env["onecard.report.wizard"].with_user(user or self.accountant)
        return Wizard.create(vals)

    def read_group(self, wizard, groupby, aggregates):
        spec = wizard._spec()
        return (
            self.env[spec["model"]]
            .with_user(self.accountant)
            ._read_group(wizard._domain(), groupby, aggregates)
        )

    def bounds(self, first, last_excl):
        return utc(first, 0), utc(last_excl, 0)

    def statements(self, wizard):
        return wizard.env["report.onecard_reports.report_statement"]._statements(wizard)

    def sql(self, query, *params):
        """Independent figures straight from the ledger tables."""
        self.env.flush_all()
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def sql_one(self, query, *params):
        value = self.sql(query, *params)[0][0]
        return float(value) if value is not None else 0.0
