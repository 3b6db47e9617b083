"""Demo data: 50 employees with cards and a week of canteen life.

Called once from data/onecard_demo.xml, after the static configuration. Every
movement of money goes through the engine (the desk operations of cards and
holders, which book through onecard.ledger; onecard.consumption.swipe for
terminals), so the demo ledger is exactly what production would have written.
random.Random(42) keeps it reproducible.
"""

import random
from datetime import datetime, time, timedelta
from functools import partial

import pytz

from odoo import api, models

SURNAMES = "张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = [
    "伟",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "芳",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "晨",
    "欣怡",
    "浩然",
    "子涵",
    "宇轩",
    "雨萱",
    "俊杰",
    "佳怡",
]
# (xml id, job title of the staff); the first employee of each manages it
DEPARTMENTS = [
    ("hr.dep_administration", "行政专员"),
    ("onecard_consume.demo_department_production", "生产技工"),
    ("hr.dep_sales", "销售代表"),
    ("onecard_consume.demo_department_kitchen", "厨师"),
    ("onecard_consume.demo_department_rnd", "研发工程师"),
]
EMPLOYEES = 50
DAYS = 7


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
        admin = ref("base.user_admin")
        # Desk operations are booked as the administrator (the operator of the card
        # office). An explicit lang: without one, _() in onecard.card.create mistakes
        # its local `uid` for a user id.
        demo = self.with_context(lang=admin.lang or "en_US")
        methods = [
            ref("onecard_consume.payment_method_" + code)
            for code in ("cash", "wechat", "alipay", "bank")
        ]
        self.env["onecard.payment.method"].union(*methods).filtered(
            lambda m: not m.journal_id
        ).action_setup()
        holders = demo._demo_people()
        state = demo._demo_cards(admin, rng, holders, methods)
        events = demo._demo_week(admin, rng, state, methods)
        for _when, action in sorted(events, key=lambda event: event[0]):
            action()

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

    def _demo_cards(self, admin, rng, holders, methods):
        """A card per employee (deposit + opening top-up), a temporary card, an operator
        card."""
        taken = set()

        def new_uid():
            uid = f"{rng.getrandbits(32):08X}"
            while uid in taken:
                uid = f"{rng.getrandbits(32):08X}"
            taken.add(uid)
            return uid

        cards = [
            holder.with_user(admin).issue_card(
                new_uid(),
                deposit=20.0,
                topup=rng.choice([300.0, 300.0, 400.0, 500.0]),
                method=rng.choice(methods),
            )
            for holder in holders["staff"]
        ]
        today = self._demo_today()
        cards.append(
            holders["visitor"]
            .with_user(admin)
            .issue_card(
                new_uid(),
                kind="temporary",
                deposit=20.0,
                topup=150.0,
                method=methods[1],
                expiry_date=today + timedelta(days=30),
            )
        )
        holders["operator"].with_user(admin).issue_card(
            new_uid(), kind="operator", user=admin
        )
        return {"cards": cards, "new_uid": new_uid}

    # -------------------------------------------------------------- week
    def _demo_today(self):
        return datetime.now(self._demo_tz()).date()

    def _demo_tz(self):
        return pytz.timezone(self.env.company.partner_id.tz or "Asia/Shanghai")

    def _demo_at(self, day, minutes):
        """Naive UTC datetime of ``minutes`` after local midnight of ``day``."""
        local = self._demo_tz().localize(
            datetime.combine(day, time()) + timedelta(minutes=minutes)
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _demo_week(self, admin, rng, state, methods):  # noqa: C901 (demo script)
        """Events (utc time, action) of the last DAYS days, ending yesterday."""
        ref = self.env.ref
        term = {
            code: ref(f"onecard_consume.demo_terminal_{code}")
            for code in ("101", "102", "103", "104", "201", "202", "203", "204")
        }
        cards, events, answers = state["cards"], [], {}

        def swipe(i, code, when, tag=None, **kwargs):
            answer = self.env["onecard.consumption"].swipe(
                term[code], cards[i].uid, business_time=when, **kwargs
            )
            answers[tag] = answer

        def add(day, minutes, action, *args, **kwargs):
            when = self._demo_at(day, minutes)
            events.append(
                (
                    when,
                    partial(action, *args, when, **kwargs)
                    if action is swipe
                    else partial(action, *args, **kwargs),
                )
            )

        def topup(i, amount, method):
            cards[i].topup(amount, method)

        def replace(i):
            cards[i] = cards[i].replace(state["new_uid"]())

        def correct(tag, reason):
            if answers.get(tag, {}).get("approved"):
                self.env["onecard.operation"].with_user(admin).browse(
                    answers[tag]["operation_id"]
                ).correct(reason)

        def refund(i, amount, method):
            if cards[i].cardholder_id.cash_balance >= amount:
                cards[i].refund(amount, method)

        today = self._demo_today()
        visitor = len(cards) - 1
        for offset in range(DAYS, 0, -1):
            date = today - timedelta(days=offset)
            for i in range(EMPLOYEES):
                if rng.random() < 0.7:
                    add(
                        date,
                        7 * 60 + rng.randint(0, 105),
                        swipe,
                        i,
                        rng.choice(["103", "101"]),
                    )
                if rng.random() < 0.95:
                    pick, minutes = rng.random(), 11 * 60 + 15 + rng.randint(0, 120)
                    if pick < 0.5:
                        add(date, minutes, swipe, i, rng.choice(["101", "102"]))
                    elif pick < 0.75:
                        add(
                            date,
                            minutes,
                            swipe,
                            i,
                            "201",
                            amount=rng.randrange(24, 57) / 2,
                        )
                    else:
                        add(date, minutes, swipe, i, "202")
                if rng.random() < 0.6:
                    pick, minutes = rng.random(), 17 * 60 + 15 + rng.randint(0, 120)
                    if pick < 0.5:
                        add(date, minutes, swipe, i, "102")
                    elif pick < 0.8:
                        add(
                            date,
                            minutes,
                            swipe,
                            i,
                            "201",
                            amount=rng.randrange(20, 51) / 2,
                        )
                    else:
                        add(
                            date,
                            minutes,
                            swipe,
                            i,
                            "203",
                            amount=rng.randrange(30, 81) / 2,
                        )
                if rng.random() < 0.35:
                    add(
                        date,
                        9 * 60 + 30 + rng.randint(0, 390),
                        swipe,
                        i,
                        "104",
                        key=rng.randint(1, 4),
                    )
                if rng.random() < 0.2:
                    add(
                        date,
                        12 * 60 + rng.randint(0, 420),
                        swipe,
                        i,
                        "204",
                        amount=rng.randrange(10, 121) / 2,
                    )
            if (
                offset <= 3
            ):  # the visitor eats lunch; breakfast is not allowed for visitors
                add(date, 12 * 60 + rng.randint(0, 60), swipe, visitor, "101")
                if offset == 3:
                    add(date, 8 * 60 + 10, swipe, visitor, "101")
            if offset in (4, 2):  # a few top-ups at the desk, mid-morning
                for i in rng.sample(range(EMPLOYEES), 4):
                    add(
                        date,
                        10 * 60 + rng.randint(0, 30),
                        topup,
                        i,
                        rng.choice([100.0, 200.0]),
                        rng.choice(methods[:3]),
                    )

        def day(offset):
            return today - timedelta(days=offset)

        # Stories: a second breakfast at the count terminal, a lost card, a refund, a
        # double charge.
        add(day(5), 7 * 60 + 58, swipe, 10, "103")
        add(day(5), 7 * 60 + 59, swipe, 10, "103")  # declined: meal count used up
        add(day(3), 10 * 60 + 5, lambda: cards[11].report_lost())
        add(day(2), 9 * 60 + 30, replace, 11)
        add(day(1), 16 * 60, refund, 19, 50.0, methods[0])
        add(day(1), 9 * 60 + 45, topup, 6, 200.0, methods[1])
        add(day(1), 12 * 60 + 5, swipe, 6, "201", amount=18.5, tag="first")
        add(
            day(1), 12 * 60 + 5.3, swipe, 6, "201", amount=18.5, tag="double"
        )  # keyed twice by the cashier
        add(day(1), 14 * 60, correct, "double", "收银员重复扣款 / charged twice")
        return events
