"""The demo's week of canteen life: swipes at every terminal, desk top-ups, a lost
card, a refund and a double charge corrected (see onecard_demo.py)."""

from datetime import timedelta

from odoo import models

from .onecard_demo import DAYS, EMPLOYEES

# Who tops up when the money runs low, at the desk mid-morning: a day's spending
# after that (lunch, dinner on account, drinks, shop) stays below it.
LOW_BALANCE = 150.0


class OnecardDemo(models.AbstractModel):
    _inherit = "onecard.demo"

    def _demo_week(self, rng, state):  # noqa: C901 (demo script)
        """Events (utc time, order, action) of the last DAYS days, ending yesterday."""
        ref = self.env.ref
        admin = ref("base.user_admin")
        ledger = self.env["onecard.ledger"].with_user(admin)
        term = {
            code: ref(f"onecard_consume.demo_terminal_{code}")
            for code in ("101", "102", "103", "104", "201", "202", "203", "204")
        }
        cards, methods, events, answers = state["cards"], state["methods"], [], {}
        event = self._demo_event

        def swipe(i, code, when, tag=None, **kwargs):
            answers[tag] = self.env["onecard.consumption"].swipe(
                term[code], cards[i].uid, business_time=when, **kwargs
            )

        def topup(i, amount, method, when, below=None):
            """A top-up at the desk; with ``below``, only when the cash is below it."""
            if below is None or cards[i].cardholder_id.cash_balance < below:
                ledger.topup(cards[i], amount, method, business_time=when)

        def refund(i, amount, method, when):
            if cards[i].cardholder_id.cash_balance >= amount:
                ledger.refund(cards[i], amount, method, business_time=when)

        def correct(tag, reason, when):
            if answers.get(tag, {}).get("approved"):
                operation = self.env["onecard.operation"].browse(
                    answers[tag]["operation_id"]
                )
                ledger.correct(operation, reason, business_time=when)

        def report_lost(i, when):
            cards[i].with_user(admin).report_lost()

        def replace(i, when):
            cards[i] = cards[i].with_user(admin).replace(state["new_uid"]())

        today = self._demo_today()
        visitor = len(cards) - 1
        for offset in range(DAYS, 0, -1):
            date = today - timedelta(days=offset)
            for i in range(EMPLOYEES):
                events.append(
                    event(
                        date,
                        9 * 60 + 40 + rng.randint(0, 50),
                        topup,
                        i,
                        rng.choice([200.0, 300.0]),
                        rng.choice(methods[:3]),
                        below=LOW_BALANCE,
                    )
                )
                if rng.random() < 0.7:
                    events.append(
                        event(
                            date,
                            7 * 60 + rng.randint(0, 105),
                            swipe,
                            i,
                            rng.choice(["103", "101"]),
                        )
                    )
                if rng.random() < 0.95:
                    pick, minutes = rng.random(), 11 * 60 + 15 + rng.randint(0, 120)
                    if pick < 0.5:
                        events.append(
                            event(date, minutes, swipe, i, rng.choice(["101", "102"]))
                        )
                    elif pick < 0.75:
                        amount = rng.randrange(24, 57) / 2
                        events.append(
                            event(date, minutes, swipe, i, "201", amount=amount)
                        )
                    else:
                        events.append(event(date, minutes, swipe, i, "202"))
                if rng.random() < 0.6:
                    pick, minutes = rng.random(), 17 * 60 + 15 + rng.randint(0, 120)
                    if pick < 0.5:
                        events.append(event(date, minutes, swipe, i, "102"))
                    elif pick < 0.8:
                        amount = rng.randrange(20, 51) / 2
                        events.append(
                            event(date, minutes, swipe, i, "201", amount=amount)
                        )
                    else:  # on account (postpaid): paid by the next top-up
                        amount = rng.randrange(30, 81) / 2
                        events.append(
                            event(date, minutes, swipe, i, "203", amount=amount)
                        )
                if rng.random() < 0.35:
                    minutes = 10 * 60 + 30 + rng.randint(0, 330)
                    key = rng.randint(1, 4)
                    events.append(event(date, minutes, swipe, i, "104", key=key))
                if rng.random() < 0.2:
                    minutes = 12 * 60 + rng.randint(0, 420)
                    amount = rng.randrange(10, 121) / 2
                    events.append(event(date, minutes, swipe, i, "204", amount=amount))
            if offset <= 3:  # the visitor eats lunch (breakfast is not for visitors)
                minutes = 12 * 60 + rng.randint(0, 60)
                events.append(event(date, minutes, swipe, visitor, "101"))
                if offset == 3:
                    events.append(event(date, 8 * 60 + 10, swipe, visitor, "101"))

        def day(offset):
            return today - timedelta(days=offset)

        # Stories: a second breakfast at the count terminal, a lost card, a refund, a
        # double charge corrected the same afternoon.
        events += [
            event(day(5), 7 * 60 + 58, swipe, 10, "103"),
            event(day(5), 7 * 60 + 59, swipe, 10, "103"),  # declined: count used up
            event(day(3), 10 * 60 + 5, report_lost, 11),
            event(day(2), 9 * 60 + 30, replace, 11),
            event(day(1), 16 * 60, refund, 19, 50.0, methods[0]),
            event(day(1), 9 * 60 + 35, topup, 6, 200.0, methods[1]),
            event(day(1), 12 * 60 + 5, swipe, 6, "201", amount=18.5, tag="first"),
            # keyed twice by the cashier, 18 seconds later
            event(day(1), 12 * 60 + 5.3, swipe, 6, "201", amount=18.5, tag="double"),
            event(day(1), 14 * 60, correct, "double", "收银员重复扣款 / charged twice"),
        ]
        return events
