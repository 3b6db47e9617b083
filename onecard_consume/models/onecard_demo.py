"""Demo data: a company in CNY, 50 employees with cards and a settled week of canteen
life.

Called once from data/onecard_demo.xml, after the static configuration. The story
runs in time order: cards are issued (deposit and opening top-up) the afternoon
before the week, people eat and top up during the week (onecard_demo_week.py),
and every past day is settled into its journal entry. Every movement of money goes
through the engine (onecard.ledger for the desk, onecard.consumption.swipe for
terminals), dated when it happened in the story: the engine takes a business time
for the past (as it does for offline records); the rows keep the real server time.
random.Random(42) keeps it reproducible.
"""

import itertools
import logging
import random
from datetime import datetime, time, timedelta

import pytz

from odoo import api, models

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

_logger = logging.getLogger(__name__)
_EVENT_ORDER = itertools.count()  # ties of time keep the order events were made in

SURNAMES = "张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = (
    "伟 秀英 敏 静 丽 强 磊 芳 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 晨 "
    "欣怡 浩然 子涵 宇轩 雨萱 俊杰 佳怡"
).split()
# (xml id, job title of the staff); the first employee of each manages it
DEPARTMENTS = [
    ("hr.dep_administration", "行政专员"),
    ("onecard_consume.demo_department_production", "生产技工"),
    ("hr.dep_sales", "销售代表"),
    ("onecard_consume.demo_department_kitchen", "厨师"),
    ("onecard_consume.demo_department_rnd", "研发工程师"),
]
# The departments of Odoo's own demo data (hr), named as a Chinese company names them.
HR_DEPARTMENT_NAMES = {
    "hr.dep_administration": "行政部",
    "hr.dep_management": "总经办",
    "hr.dep_sales": "销售部",
    "hr.dep_rd": "研究院",
    "hr.dep_rd_be": "美国研究院",
    "hr.dep_rd_ltp": "长期项目组",
    "hr.dep_ps": "专业服务部",
}
EMPLOYEES = 50
DAYS = 7  # the week of swipes, ending yesterday; cards are issued the day before


class OnecardDemo(models.AbstractModel):
    _name = "onecard.demo"
    _description = "OneCard Demo Data Generator"

    @api.model
    def _generate_demo(self):
        if (
            self.env["hr.employee"]
            .with_context(active_test=False)
            .search_count([("barcode", "=", "0001")])
        ):
            return  # already generated
        rng = random.Random(42)
        ref = self.env.ref
        # An explicit lang: without one, _() in onecard.card.create mistakes its local
        # `uid` for a user id.
        demo = self.with_context(lang=ref("base.user_admin").lang or "en_US")
        company = self.env.company
        demo._demo_company(company)
        methods = [
            ref("onecard_consume.payment_method_" + code)
            for code in ("cash", "wechat", "alipay", "bank")
        ]
        self.env["onecard.payment.method"].union(*methods).filtered(
            lambda m: not m.journal_id
        ).action_setup()
        holders = demo._demo_people()
        state = {"cards": [None] * (len(holders["staff"]) + 1), "methods": methods}
        events = demo._demo_cards(rng, holders, state) + demo._demo_week(rng, state)
        for _when, _order, action in sorted(events, key=lambda event: event[:2]):
            action()
        demo._demo_settle(company)

    # ----------------------------------------------------------- company
    def _demo_company(self, company):
        """The canteens are in China: books in CNY, Chinese department names."""
        cny = self.env.ref("base.CNY")
        if company.currency_id != cny:
            self._demo_currency(company, cny)
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for xmlid, name in HR_DEPARTMENT_NAMES.items():
            department = self.env.ref(xmlid, raise_if_not_found=False)
            if department:
                department.name = name  # recomputes the complete names
                department.update_field_translations("name", dict.fromkeys(langs, name))
        company._onecard_ensure_accounting()  # accounts and journal to settle with

    def _demo_currency(self, company, currency):
        """Switch the company to ``currency`` before any card money is booked.

        Odoo refuses to change a company's currency once it has journal items, and
        account's own demo data (a few invoices, bills and bank statement lines,
        loaded with account, before this addon) has posted some in the default USD.
        Odoo itself deletes a demo company's entries when it loads another chart of
        accounts (account.chart.template._load): we do the same with these demo
        entries, so that the books of the canteens are in CNY from their first entry.
        (Loading account's demo data again afterwards logged an error at install
        under --test-enable, so it is not done: the card settlements are the demo's
        entries.) Without account's demo data the entries are real ones: they are
        kept, and so is the currency.
        """
        entries = company.root_id._existing_accounting()
        if entries and not self.env.ref("base.module_account").demo:
            _logger.warning(
                "OneCard demo: %s has journal items, its currency stays %s.",
                company.name,
                company.currency_id.name,
            )
            return
        if entries:
            self.env["account.move"].sudo().search(
                [("company_id", "child_of", company.id)]
            ).with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        currency.active = True
        company.currency_id = currency

    # ------------------------------------------------------------ people
    def _demo_people(self):
        """Employees 0001..0050 (cardholders follow by themselves), one visitor, the
        admin."""
        ref = self.env.ref
        staff, manager = (
            ref("onecard_consume.demo_category_staff"),
            ref("onecard_consume.demo_category_manager"),
        )
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": SURNAMES[i % len(SURNAMES)]
                    + GIVEN_NAMES[i * 7 % len(GIVEN_NAMES)],
                    "barcode": "%04d" % (i + 1),  # hr wants digits only: 0001..0050
                    "department_id": ref(DEPARTMENTS[i % len(DEPARTMENTS)][0]).id,
                    "job_title": "部门经理"
                    if i < len(DEPARTMENTS)
                    else DEPARTMENTS[i % len(DEPARTMENTS)][1],
                }
                for i in range(EMPLOYEES)
            ]
        )
        missing = employees.filtered(lambda e: not e.onecard_cardholder_ids)
        if missing:  # automatic cardholders switched off in this company
            missing._onecard_create_cardholders()
        holders = [employee.onecard_cardholder_ids[:1] for employee in employees]
        for i, (employee, holder) in enumerate(zip(employees, holders, strict=False)):
            holder.category_id = manager if i < len(DEPARTMENTS) else staff
            if i < len(DEPARTMENTS) and not employee.department_id.manager_id:
                employee.department_id.manager_id = employee
        Holder = self.env["onecard.cardholder"]
        visitor = Holder.create(
            {
                "name": "访客 陈晨",
                "code": "V0001",
                "category_id": ref("onecard_consume.demo_category_visitor").id,
            }
        )
        admin_employee = ref("hr.employee_admin", raise_if_not_found=False)
        operator = (
            admin_employee.onecard_cardholder_ids[:1] if admin_employee else Holder
        )
        if not operator:
            operator = Holder.create(
                {
                    "name": admin_employee.name
                    if admin_employee
                    else ref("base.user_admin").name,
                    "code": "A0001",
                    "employee_id": admin_employee.id if admin_employee else False,
                    "department_id": admin_employee.department_id.id
                    if admin_employee
                    else False,
                    "category_id": manager.id,
                }
            )
        return {"staff": holders, "visitor": visitor, "operator": operator}

    def _demo_cards(self, rng, holders, state):
        """Events issuing the cards: the staff's the afternoon before the week
        (deposit and opening top-up at the card office), the visitor's temporary card
        the afternoon before the visit, the administrator's operator card."""
        taken = set()

        def new_uid():
            uid = f"{rng.getrandbits(32):08X}"
            while uid in taken:
                uid = f"{rng.getrandbits(32):08X}"
            taken.add(uid)
            return uid

        ledger = self.env["onecard.ledger"].with_user(self.env.ref("base.user_admin"))
        cards, methods, today = state["cards"], state["methods"], self._demo_today()
        state["new_uid"] = new_uid

        def issue(index, holder, uid, when, **options):
            cards[index] = ledger.issue_card(holder, uid, business_time=when, **options)

        events = [
            self._demo_event(
                today - timedelta(days=DAYS + 1),
                14 * 60 + 3 * i,
                issue,
                i,
                holder,
                new_uid(),
                deposit=20.0,
                topup=rng.choice([300.0, 300.0, 400.0, 500.0]),
                method=rng.choice(methods),
            )
            for i, holder in enumerate(holders["staff"])
        ]
        events.append(
            self._demo_event(
                today - timedelta(days=4),
                16 * 60,
                issue,
                len(cards) - 1,
                holders["visitor"],
                new_uid(),
                kind="temporary",
                deposit=20.0,
                topup=150.0,
                method=methods[1],
                expiry_date=today + timedelta(days=30),
            )
        )
        ledger.issue_card(
            holders["operator"],
            new_uid(),
            kind="operator",
            user=self.env.ref("base.user_admin"),
        )
        return events

    # ------------------------------------------------------------- time
    def _demo_today(self):
        return datetime.now(self._demo_tz()).date()

    def _demo_tz(self):
        return pytz.timezone(self.env.company.partner_id.tz or "Asia/Shanghai")

    def _demo_event(self, day, minutes, action, *args, **kwargs):
        """(utc time, order, action) of ``action(*args, when=.., **kwargs)`` at
        ``minutes`` after local midnight of ``day``."""
        local = self._demo_tz().localize(
            datetime.combine(day, time()) + timedelta(minutes=minutes)
        )
        when = local.astimezone(pytz.utc).replace(tzinfo=None)

        def run():
            return action(*args, when=when, **kwargs)

        return when, next(_EVENT_ORDER), run

    def _demo_settle(self, company):
        """Settle every past day of the story, in order: one journal entry per day,
        nothing late (each row is settled with its own day)."""
        Settlement = self.env["onecard.settlement"]
        today = self._demo_today()
        for offset in range(DAYS + 1, 0, -1):
            Settlement.settle(company, "day", today - timedelta(days=offset))
